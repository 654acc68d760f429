package io.sightline.instrumentation.annotations;

/**
 * Names of the application's own, unrelocated OpenTelemetry classes. The agent jar relocates every
 * string constant that starts with {@code io.opentelemetry}, so these names are assembled at run
 * time from parts the relocation does not recognise.
 */
public final class ApplicationApiNames {
  private static final String PREFIX = String.join(".", "io", "opentelemetry") + ".";

  public static final String WITH_SPAN = PREFIX + "instrumentation.annotations.WithSpan";
  public static final String SPAN_ATTRIBUTE = PREFIX + "instrumentation.annotations.SpanAttribute";

  private ApplicationApiNames() {}

  /** {@code io.opentelemetry.} followed by {@code suffix}, safe from relocation. */
  public static String of(String suffix) {
    return PREFIX + suffix;
  }
}
