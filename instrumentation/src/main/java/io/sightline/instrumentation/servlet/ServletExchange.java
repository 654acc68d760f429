package io.sightline.instrumentation.servlet;

/** A servlet request with the API to read it and its mapping, read once at the start. */
final class ServletExchange {
  final ServletApi api;
  final Object request;
  final String route;
  final String frameworkPrefix;

  ServletExchange(ServletApi api, Object request) throws Throwable {
    this.api = api;
    this.request = request;
    String contextPath = api.contextPath(request);
    String servletPath = api.servletPath(request);
    String pathInfo = api.pathInfo(request);
    String[] mapping = api.mapping(request);
    String match = mapping == null ? null : mapping[0];
    String pattern = mapping == null ? null : mapping[1];
    this.route = ServletRoutes.fromMapping(contextPath, servletPath, pathInfo, match, pattern);
    this.frameworkPrefix = ServletRoutes.frameworkPrefix(contextPath, servletPath, pathInfo, match, pattern);
  }
}
