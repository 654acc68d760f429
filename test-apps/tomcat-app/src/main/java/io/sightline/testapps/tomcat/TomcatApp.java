package io.sightline.testapps.tomcat;

import io.sightline.testapps.servlet.Endpoints;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** The servlet endpoints on embedded Tomcat 11. Prints {@code READY port=N} once it serves. */
public final class TomcatApp {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getProperty("app.port", System.getenv().getOrDefault("APP_PORT", "0")));
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("sightline-tomcat").toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);

    Context context = tomcat.addContext("", null);
    for (Endpoints.Endpoint endpoint : Endpoints.all()) {
      Wrapper wrapper = Tomcat.addServlet(context, endpoint.name(), endpoint.servlet());
      wrapper.setAsyncSupported(true);
      context.addServletMappingDecoded(endpoint.mapping(), endpoint.name());
    }
    FilterDef filter = new FilterDef();
    filter.setFilterName("app");
    filter.setFilter(Endpoints.filter());
    filter.setAsyncSupported("true");
    context.addFilterDef(filter);
    FilterMap map = new FilterMap();
    map.setFilterName("app");
    map.addURLPattern("/*");
    context.addFilterMap(map);

    tomcat.start();
    System.out.println("READY port=" + connector.getLocalPort());
    System.out.flush();
    tomcat.getServer().await();
  }
}
