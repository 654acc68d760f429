package io.sightline.instrumentation.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.instrumentation.http.RequestIds;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceFieldsTest {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";
  private final TraceFields fields = new TraceFields("trace_id", "span_id", "trace_flags", "request_id");

  private static Scope span(String requestId) {
    Context context = Context.root().with(Span.wrap(
        SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault())));
    if (requestId != null) {
      context = RequestIds.storeIn(context, requestId);
    }
    return context.makeCurrent();
  }

  @Test
  void nothingOutsideASpan() {
    assertThat(fields.current()).isNull();
    assertThat(fields.value("trace_id")).isNull();
    assertThat(fields.addTo(Map.of("user", "ann"))).isNull();
  }

  @Test
  void idsAndRequestIdInsideASpan() {
    try (Scope ignored = span("req-7")) {
      assertThat(fields.current()).containsExactly(
          "trace_id", TRACE_ID, "span_id", SPAN_ID, "trace_flags", "01", "request_id", "req-7");
      assertThat(fields.value("trace_id")).isEqualTo(TRACE_ID);
      assertThat(fields.value("request_id")).isEqualTo("req-7");
      assertThat(fields.value("user")).isNull();
      assertThat(fields.addTo(Map.of("user", "ann"))).containsExactlyInAnyOrderEntriesOf(Map.of(
          "user", "ann", "trace_id", TRACE_ID, "span_id", SPAN_ID, "trace_flags", "01", "request_id", "req-7"));
      assertThat(fields.addTo(null)).containsEntry("trace_id", TRACE_ID).hasSize(4);
    }
  }

  @Test
  void noRequestIdWithoutOne() {
    try (Scope ignored = span(null)) {
      assertThat(fields.current()).containsExactly("trace_id", TRACE_ID, "span_id", SPAN_ID, "trace_flags", "01");
      assertThat(fields.value("request_id")).isNull();
    }
  }

  @Test
  void anEventAlreadyCarryingATraceIdIsLeftAlone() {
    try (Scope ignored = span("req-7")) {
      assertThat(fields.addTo(Map.of("trace_id", "app-own"))).isNull();
    }
  }

  @Test
  void configuredKeyNames() {
    TraceFields custom = new TraceFields("dd.trace_id", "dd.span_id", "flags", "rid");
    try (Scope ignored = span("req-7")) {
      assertThat(custom.current()).containsExactly(
          "dd.trace_id", TRACE_ID, "dd.span_id", SPAN_ID, "flags", "01", "rid", "req-7");
      assertThat(custom.value("trace_id")).isNull();
    }
  }
}
