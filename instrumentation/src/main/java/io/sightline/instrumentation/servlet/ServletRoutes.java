package io.sightline.instrumentation.servlet;

/**
 * The route of a servlet request from what the container knows before the application runs: the
 * servlet mapping ({@code /orders/*}, {@code /hello}, {@code *.jsp}). A default mapping
 * ({@code /} or {@code /*}) says nothing about the path, so it yields null and the shared
 * normaliser turns the path into a route instead. Frameworks that dispatch further (Spring MVC)
 * refine the route after the request: see {@link #withFrameworkPattern}.
 */
final class ServletRoutes {
  /** Spring MVC's {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}; read by name. */
  static final String SPRING_BEST_MATCHING_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  private ServletRoutes() {}

  /**
   * @param match the {@code MappingMatch} name, or null on Servlet 3.x
   * @param pattern the mapping pattern (Servlet 4.0+), or null
   */
  static String fromMapping(String contextPath, String servletPath, String pathInfo, String match, String pattern) {
    String context = contextPath == null ? "" : contextPath;
    if (match == null) {
      // Servlet 3.x: a path mapping is the only one that leaves path info beside a servlet path.
      if (pathInfo != null && servletPath != null && !servletPath.isEmpty()) {
        return context + servletPath + "/*";
      }
      return null;
    }
    switch (match) {
      case "CONTEXT_ROOT":
        return context + "/";
      case "EXACT":
        return pattern == null || pattern.isEmpty() ? null : context + pattern;
      case "PATH":
        return pattern == null || "/*".equals(pattern) ? null : context + pattern;
      case "EXTENSION":
        return pattern == null ? null : context + "/" + pattern;
      default:
        return null;
    }
  }

  /**
   * What a framework pattern, which is relative to the servlet, must be prefixed with: the
   * context path, plus the servlet path under a path mapping ({@code /api/*}).
   */
  static String frameworkPrefix(String contextPath, String servletPath, String pathInfo, String match, String pattern) {
    String context = contextPath == null ? "" : contextPath;
    boolean pathMapped = match == null
        ? pathInfo != null && servletPath != null && !servletPath.isEmpty()
        : "PATH".equals(match) && !"/*".equals(pattern);
    return pathMapped && servletPath != null ? context + servletPath : context;
  }

  /** The route for a framework pattern, or null when there is none. */
  static String withFrameworkPattern(String prefix, Object pattern) {
    if (pattern == null) {
      return null;
    }
    String value = pattern.toString();
    if (value.isEmpty()) {
      return null;
    }
    if (value.charAt(0) != '/') {
      value = "/" + value;
    }
    return prefix == null || prefix.isEmpty() ? value : prefix + value;
  }
}
