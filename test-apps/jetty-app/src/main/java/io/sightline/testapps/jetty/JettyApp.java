package io.sightline.testapps.jetty;

import io.sightline.testapps.servlet.Endpoints;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The servlet endpoints on Jetty 12 (ee10). Prints {@code READY port=N} once it serves. */
public final class JettyApp {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getProperty("app.port", System.getenv().getOrDefault("APP_PORT", "0")));
    Server server = new Server(new QueuedThreadPool(256));
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler("/");
    for (Endpoints.Endpoint endpoint : Endpoints.all()) {
      ServletHolder holder = new ServletHolder(endpoint.name(), endpoint.servlet());
      holder.setAsyncSupported(true);
      context.addServlet(holder, endpoint.mapping());
    }
    FilterHolder filter = new FilterHolder(Endpoints.filter());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);

    server.start();
    System.out.println("READY port=" + connector.getLocalPort());
    System.out.flush();
    server.join();
  }
}
