package io.sightline.testapps.undertow;

import io.sightline.testapps.servlet.Endpoints;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.net.InetSocketAddress;

/** The servlet endpoints on Undertow's servlet container. Prints {@code READY port=N} once it serves. */
public final class UndertowApp {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getProperty("app.port", System.getenv().getOrDefault("APP_PORT", "0")));
    DeploymentInfo deployment = Servlets.deployment()
        .setClassLoader(UndertowApp.class.getClassLoader())
        .setContextPath("/")
        .setDeploymentName("sightline-test");
    for (Endpoints.Endpoint endpoint : Endpoints.all()) {
      Servlet servlet = endpoint.servlet();
      deployment.addServlet(Servlets.servlet(endpoint.name(), servlet.getClass(), new ImmediateInstanceFactory<>(servlet))
          .addMapping(endpoint.mapping())
          .setAsyncSupported(true));
    }
    Filter filter = Endpoints.filter();
    deployment.addFilter(Servlets.filter("app", filter.getClass(), new ImmediateInstanceFactory<>(filter)).setAsyncSupported(true));
    deployment.addFilterUrlMapping("app", "/*", DispatcherType.REQUEST);
    DeploymentManager manager = Servlets.defaultContainer().addDeployment(deployment);
    manager.deploy();
    HttpHandler handler = manager.start();

    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setWorkerThreads(64)
        .setHandler(handler)
        .build();
    server.start();
    InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    System.out.println("READY port=" + address.getPort());
    System.out.flush();
  }
}
