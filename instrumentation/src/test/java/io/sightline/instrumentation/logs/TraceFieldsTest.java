package io.sightline.instrumentation.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.instrumentation.http.RequestIds;
import java.util.LinkedHashMap;
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
  void theOverlayReadsAsTheCopyDoes() {
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("user", "ann");
    base.put("attempt", 3);
    base.put("span_id", "app-span"); // replaced by the field, as in the copy
    base.put("empty", null);
    try (Scope ignored = span("req-7")) {
      Map<String, String> copy = fields.addTo(base);
      Map<String, String> overlay = fields.overlay(base);
      assertThat(overlay).isEqualTo(copy).hasSize(7).hasSameHashCodeAs(copy);
      assertThat(copy).isEqualTo(overlay);
      assertThat(overlay.get("span_id")).isEqualTo(SPAN_ID);
      assertThat(overlay.get("attempt")).isEqualTo("3");
      assertThat(overlay.get("trace_id")).isEqualTo(TRACE_ID);
      assertThat(overlay.get("missing")).isNull();
      assertThat(overlay.get(42)).isNull();
      assertThat(overlay).containsKey("empty").containsKey("request_id").doesNotContainKey("missing");
      assertThat(overlay.entrySet()).hasSize(7);
      assertThat(overlay.keySet()).containsExactly("user", "attempt", "empty", "trace_id", "span_id", "trace_flags",
          "request_id");
      assertThatThrownBy(() -> overlay.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);

      Map<String, String> fromNothing = fields.overlay(null);
      assertThat(fromNothing).isEqualTo(fields.addTo(null)).hasSize(4).isNotEmpty();
      assertThat(fields.overlay(Map.of("trace_id", "app-own"))).isNull();
    }
    assertThat(fields.overlay(base)).isNull();
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
