package io.sightline.instrumentation.jdkhttpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import io.sightline.bootstrap.Hook;
import java.util.List;

/** Puts the tracing filter first in a newly created context's filter chain. */
final class ContextCreatedHook extends Hook {
  private final TracingFilter filter;

  ContextCreatedHook(TracingFilter filter) {
    super(JdkHttpServerInstrumentationModule.NAME);
    this.filter = filter;
  }

  @Override
  public void exit(Object state, Object self, Object result, Throwable thrown) {
    if (result instanceof HttpContext) {
      HttpContext context = (HttpContext) result;
      if (context.getHandler() != null && context.getHandler().getClass().getClassLoader() == ContextCreatedHook.class.getClassLoader()) {
        return; // the agent's own server (the Prometheus scrape endpoint) is not the application's
      }
      List<Filter> filters = context.getFilters();
      if (!filters.contains(filter)) {
        filters.add(0, filter);
      }
    }
  }
}
