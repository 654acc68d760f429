package io.sightline.instrumentation.api;

/**
 * The ids that advice passes to {@link io.sightline.bootstrap.Hooks}. They are compile-time
 * constants, so javac copies the number into the advice and this class is never loaded by an
 * application class loader. Each id is registered by exactly one module; ranges per family keep
 * additions apart.
 */
public final class HookIds {
  // 1-9: JDK HTTP server
  public static final int JDK_HTTP_SERVER_CREATE_CONTEXT = 1;

  // 10-39: servlet containers and other HTTP servers
  // 40-79: HTTP clients
  // 80-109: JDBC and connection pools
  // 110-149: context propagation, OpenTelemetry API bridge, annotations
  // 150-189: logging
  // 190-255: metrics and others

  private HookIds() {}
}
