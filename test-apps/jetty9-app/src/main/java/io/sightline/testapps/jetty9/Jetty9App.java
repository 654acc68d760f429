package io.sightline.testapps.jetty9;

import java.util.EnumSet;
import javax.servlet.DispatcherType;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The servlet endpoints on Jetty 9.4 (javax.servlet 3.1). Prints {@code READY port=N} once it serves. */
public final class Jetty9App {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getProperty("app.port", System.getenv().getOrDefault("APP_PORT", "0")));
    Server server = new Server(new QueuedThreadPool(256));
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    for (Endpoints.Endpoint endpoint : Endpoints.all()) {
      ServletHolder holder = new ServletHolder(endpoint.name, endpoint.servlet);
      holder.setAsyncSupported(true);
      context.addServlet(holder, endpoint.mapping);
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
