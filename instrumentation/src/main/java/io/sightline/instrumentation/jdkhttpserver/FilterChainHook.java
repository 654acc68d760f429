package io.sightline.instrumentation.jdkhttpserver;

import io.sightline.bootstrap.Hook;
import java.util.ArrayList;
import java.util.List;

/**
 * The exchange's chain of a context that predates the agent: the context's filters, with the
 * tracing filter first. Only the chain the server builds for a context's own filters is changed
 * (its handler is the server's link to the system filters, {@value #LINK_HANDLER}). A chain whose
 * first filter is the agent's is left as it is: the tracing filter (every context created since
 * the agent was installed), or the filter that marks the agent's own server, which is never traced.
 */
final class FilterChainHook extends Hook {
  private static final String LINK_HANDLER = "sun.net.httpserver.ServerImpl$Exchange$LinkHandler";

  private final TracingFilter filter;
  private volatile Class<?> linkHandler;

  FilterChainHook(TracingFilter filter) {
    super(JdkHttpServerInstrumentationModule.NAME);
    this.filter = filter;
  }

  @Override
  public Object enter(Object self, Object filters, Object handler) {
    if (!(filters instanceof List) || handler == null || !isLink(handler.getClass())) {
      return null;
    }
    List<?> list = (List<?>) filters;
    Object first = list.isEmpty() ? null : list.get(0);
    if (first != null && first.getClass().getClassLoader() == FilterChainHook.class.getClassLoader()) {
      return null;
    }
    List<Object> withTracing = new ArrayList<>(list.size() + 1);
    withTracing.add(filter);
    withTracing.addAll(list);
    return withTracing;
  }

  private boolean isLink(Class<?> type) {
    Class<?> known = linkHandler;
    if (known != null) {
      return type == known;
    }
    if (type.getName().equals(LINK_HANDLER)) {
      linkHandler = type;
      return true;
    }
    return false;
  }
}
