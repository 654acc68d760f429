package io.sightline.instrumentation.servlet;

/** A servlet request with the API to read it and its mapping, read once at the start. */
final class ServletExchange {
  final ServletApi api;
  final Object request;
  final String route;
  final String frameworkPrefix;

  /**
   * The URI the client asked for when the first dispatch the agent sees is the container's error
   * dispatch (a request no servlet mapping matched, answered with an error page), else null.
   */
  final String errorDispatchUri;

  ServletExchange(ServletApi api, Object request) throws Throwable {
    this.api = api;
    this.request = request;
    Object errorUri = api.getAttribute(request, api.prefix + ".error.request_uri");
    if (errorUri instanceof String && !((String) errorUri).isEmpty()) {
      // The error page's mapping and the framework's pattern would name the error page: the route
      // is left to the normalised path the client asked for.
      this.errorDispatchUri = (String) errorUri;
      this.route = null;
      this.frameworkPrefix = null;
      return;
    }
    this.errorDispatchUri = null;
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
