package io.sightline.instrumentation.servlet;

import io.sightline.instrumentation.api.HookIds;

/** {@code jakarta.servlet} 5.0+: Tomcat 10-11, Jetty 11-12 (ee9/ee10/ee11), Undertow 2.3+. */
public final class JakartaServletInstrumentationModule extends ServletInstrumentationModule {
  public JakartaServletInstrumentationModule() {
    super("jakarta.servlet", true, HookIds.SERVLET_JAKARTA_ENTRY,
        HookIds.SERVLET_JAKARTA_ASYNC_START, HookIds.SERVLET_JAKARTA_ASYNC_RUN);
  }
}
