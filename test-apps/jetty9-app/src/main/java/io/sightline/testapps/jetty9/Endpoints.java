package io.sightline.testapps.jetty9;

import javax.servlet.AsyncContext;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The javax.servlet copy of the jakarta test endpoints (test-apps/servlet-endpoints). The endpoints of the servlet test apps, each container mounting them at the given mappings:
 *
 * <ul>
 *   <li>{@code /hello} (exact) - 200 "hello"
 *   <li>{@code /users/*} (path) - 200 JSON of the user
 *   <li>{@code /api/*} (path) - a tiny router that, like Spring MVC, sets the best matching
 *       pattern request attribute: {@code /api/orders/{id}}
 *   <li>{@code /status/*} - responds with the status in the path
 *   <li>{@code /fail} - throws
 *   <li>{@code /async?ms=N} - starts async; completes from another thread N ms after service
 *       ({@code mode=start}: through {@code AsyncContext.start}, logging one line through JUL)
 *       returned
 *   <li>{@code /forward} - forwards to {@code /hello}
 *   <li>{@code /} (default) - everything else, 200 "default PATH"
 * </ul>
 *
 * A filter on {@code /*} wraps them all, so filters and servlets nest on every request.
 */
public final class Endpoints {
  /** One servlet and its mapping. */
  public static final class Endpoint {
    final String name;
    final HttpServlet servlet;
    final String mapping;

    Endpoint(String name, HttpServlet servlet, String mapping) {
      this.name = name;
      this.servlet = servlet;
      this.mapping = mapping;
    }
  }

  private static final java.util.logging.Logger JUL = java.util.logging.Logger.getLogger("endpoints.async");
  private static final ScheduledExecutorService LATER = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "async-completer");
    t.setDaemon(true);
    return t;
  });
  private static final Pattern ORDER = Pattern.compile("/orders/[0-9]+");
  static final String SPRING_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  private Endpoints() {}

  public static List<Endpoint> all() {
    return Arrays.asList(
        new Endpoint("hello", new HelloServlet(), "/hello"),
        new Endpoint("users", new UsersServlet(), "/users/*"),
        new Endpoint("api", new RouterServlet(), "/api/*"),
        new Endpoint("status", new StatusServlet(), "/status/*"),
        new Endpoint("fail", new FailServlet(), "/fail"),
        new Endpoint("async", new AsyncServlet(), "/async"),
        new Endpoint("forward", new ForwardServlet(), "/forward"),
        new Endpoint("default", new DefaultServlet(), "/"));
  }

  public static Filter filter() {
    return new AppFilter();
  }

  static void write(HttpServletResponse response, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  static final class AppFilter implements Filter {
    @Override
    public void init(javax.servlet.FilterConfig config) {}

    @Override
    public void destroy() {}

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
      ((HttpServletResponse) response).setHeader("X-App-Filter", "seen");
      chain.doFilter(request, response);
    }
  }

  static final class HelloServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      write(response, 200, "text/plain", "hello");
    }
  }

  static final class UsersServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String id = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
      write(response, 200, "application/json", "{\"id\":\"" + id + "\",\"name\":\"user " + id + "\"}");
    }
  }

  static final class RouterServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
      if (ORDER.matcher(path).matches()) {
        request.setAttribute(SPRING_PATTERN, "/orders/{id}");
        write(response, 200, "application/json", "{\"order\":\"" + path.substring(8) + "\"}");
      } else {
        write(response, 404, "text/plain", "no route");
      }
    }
  }

  static final class StatusServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      int code = Integer.parseInt(request.getPathInfo().substring(1));
      write(response, code, "text/plain", "status " + code);
    }
  }

  static final class FailServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      throw new IllegalStateException("handler failed on purpose");
    }
  }

  static final class AsyncServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      String ms = request.getParameter("ms");
      long delay = ms == null ? 300 : Long.parseLong(ms);
      AsyncContext async = request.startAsync();
      async.setTimeout(30_000);
      if ("start".equals(request.getParameter("mode"))) {
        // The container's own pool runs it; the line it logs shows whose context it ran in.
        async.start(() -> {
          JUL.info("async work of " + request.getHeader("X-Request-ID"));
          try {
            write((HttpServletResponse) async.getResponse(), 200, "text/plain", "async started work done");
          } catch (IOException e) {
            throw new IllegalStateException(e);
          } finally {
            async.complete();
          }
        });
        return;
      }
      LATER.schedule(() -> {
        try {
          write((HttpServletResponse) async.getResponse(), 200, "text/plain", "async done after " + delay + " ms");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        } finally {
          async.complete();
        }
      }, delay, TimeUnit.MILLISECONDS);
    }
  }

  static final class ForwardServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
      request.getRequestDispatcher("/hello").forward(request, response);
    }
  }

  static final class DefaultServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      write(response, 200, "text/plain", "default " + request.getRequestURI());
    }
  }
}
