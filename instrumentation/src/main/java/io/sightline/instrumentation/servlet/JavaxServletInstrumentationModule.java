package io.sightline.instrumentation.servlet;

import io.sightline.instrumentation.api.HookIds;

/** {@code javax.servlet} 3.0+: Tomcat 7-9, Jetty 9.x-10, Undertow 2.0-2.2. */
public final class JavaxServletInstrumentationModule extends ServletInstrumentationModule {
  public JavaxServletInstrumentationModule() {
    super("javax.servlet", false, HookIds.SERVLET_JAVAX_ENTRY,
        HookIds.SERVLET_JAVAX_ASYNC_START, HookIds.SERVLET_JAVAX_ASYNC_RUN);
  }
}
