package io.sightline.agent.records;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfoBuilder;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerState;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import io.sightline.bootstrap.AgentLog;
import java.util.Objects;

/**
 * Tracers whose spans are the agent's own {@link FlatSpan}s, started from the SDK tracer provider's
 * own sampler, processors, id generator, clock, limits and resource: what the processors and
 * exporters receive is what the SDK's spans would give them, for less work on the request thread
 * (attributes in one array instead of a {@code HashMap}) and on the export worker (the OTLP encoder
 * reads the span itself, with no {@code SpanData} copy, and attributes in the order they were set).
 *
 * <p>Not carried over from the SDK: its per-span self-metrics (which the agent switches off anyway)
 * and per-scope tracer configuration (an experimental SDK option autoconfigure does not set).
 */
public final class FlatTracerProvider implements TracerProvider {
  private final SdkTracerState state;
  private final SpanProcessor processor;
  private final boolean startRequired;
  private final boolean endRequired;
  private final ExtendedSpanProcessor endingProcessor;
  /** Trace flags by {@code (sampled ? 1 : 0) | (random ? 2 : 0)}: built once, not per span. */
  private final TraceFlags[] flags = new TraceFlags[4];
  private final Scopes<FlatTracer> tracers = new Scopes<>(FlatTracer::new);

  private FlatTracerProvider(SdkTracerState state) {
    this.state = state;
    this.processor = state.processor();
    this.startRequired = processor.isStartRequired();
    this.endRequired = processor.isEndRequired();
    this.endingProcessor = processor instanceof ExtendedSpanProcessor
        && ((ExtendedSpanProcessor) processor).isOnEndingRequired() ? (ExtendedSpanProcessor) processor : null;
    for (int i = 0; i < flags.length; i++) {
      flags[i] = TraceFlags.builder().setSampled((i & 1) != 0).setRandomTraceId((i & 2) != 0).build();
    }
  }

  /**
   * Tracers of the agent's own spans over {@code sdk}'s state; {@code sdk} itself if that state
   * cannot be read (an SDK whose internals changed), with a warning: spans are then the SDK's.
   */
  public static TracerProvider over(SdkTracerProvider sdk) {
    try {
      return new FlatTracerProvider(SdkTracerState.of(sdk));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      AgentLog.warn("the agent's own span type is not available with this SDK (" + e
          + "); spans are the SDK's");
      return sdk;
    }
  }

  @Override
  public Tracer get(String instrumentationScopeName) {
    return tracerBuilder(instrumentationScopeName).build();
  }

  @Override
  public Tracer get(String instrumentationScopeName, String instrumentationScopeVersion) {
    return tracerBuilder(instrumentationScopeName).setInstrumentationVersion(instrumentationScopeVersion).build();
  }

  @Override
  public TracerBuilder tracerBuilder(String instrumentationScopeName) {
    InstrumentationScopeInfoBuilder scope = Scopes.scope(instrumentationScopeName);
    return new TracerBuilder() {
      @Override
      public TracerBuilder setSchemaUrl(String schemaUrl) {
        scope.setSchemaUrl(schemaUrl);
        return this;
      }

      @Override
      public TracerBuilder setInstrumentationVersion(String version) {
        scope.setVersion(version);
        return this;
      }

      @Override
      public Tracer build() {
        return tracers.get(scope);
      }
    };
  }

  SdkTracerState state() {
    return state;
  }

  SpanProcessor processor() {
    return processor;
  }

  boolean startRequired() {
    return startRequired;
  }

  boolean endRequired() {
    return endRequired;
  }

  /** The processors as an {@link ExtendedSpanProcessor} if one of them wants {@code onEnding}. */
  ExtendedSpanProcessor endingProcessor() {
    return endingProcessor;
  }

  TraceFlags flags(boolean sampled, boolean randomTraceId) {
    return flags[(sampled ? 1 : 0) | (randomTraceId ? 2 : 0)];
  }

  /** One instrumentation scope's tracer. */
  final class FlatTracer implements Tracer {
    private final InstrumentationScopeInfo scope;

    FlatTracer(InstrumentationScopeInfo scope) {
      this.scope = Objects.requireNonNull(scope);
    }

    @Override
    public SpanBuilder spanBuilder(String spanName) {
      String name = spanName == null || spanName.trim().isEmpty() ? "<unspecified span name>" : spanName;
      if (state.hasBeenShutdown()) {
        return TracerProvider.noop().get("noop").spanBuilder(name);
      }
      return new FlatSpanBuilder(FlatTracerProvider.this, scope, name, state.spanLimits());
    }
  }
}
