package io.sightline.instrumentation.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sightline.bootstrap.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One structured console line: a JSON object and a newline. Jackson escapes quotes, newlines and
 * control characters, so a line is valid JSON whatever the message holds.
 *
 * <p>Fields, in this order: {@code timestamp} (ISO-8601 UTC, milliseconds), {@code level},
 * {@code logger}, {@code thread}, {@code message}, the trace fields ({@code trace_id},
 * {@code span_id}, {@code trace_flags}, {@code request_id} or their configured names) when a span
 * was current, the other MDC / context-data entries, and {@code exception} ({@code class},
 * {@code message}, {@code stack}) when the event has one.
 */
public final class JsonLogLine {
  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final byte[] NEWLINE = {'\n'};

  private static final AtomicBoolean FAILURE_REPORTED = new AtomicBoolean();

  private JsonLogLine() {}

  /** A line that could not be written as JSON; the first is logged at debug. */
  public static void failed(Throwable t) {
    if (!FAILURE_REPORTED.getAndSet(true) || AgentLog.isDebug()) {
      AgentLog.debug("log line not written as JSON: " + t);
    }
  }

  public static byte[] write(long epochMillis, String level, String logger, String thread, String message,
      Map<?, ?> contextData, Throwable thrown) {
    TraceFields fields = TraceFields.get();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", TIMESTAMP.format(java.time.Instant.ofEpochMilli(epochMillis)));
      json.writeStringField("level", level);
      json.writeStringField("logger", logger);
      json.writeStringField("thread", thread);
      json.writeStringField("message", message);
      Map<?, ?> data = contextData;
      Map<String, String> enriched = fields.addTo(contextData);
      if (enriched != null) {
        // The context injection is off, or the event lacks the ids: take them from the context.
        data = enriched;
      }
      if (data != null && !data.isEmpty()) {
        String[] first = {fields.traceIdKey(), fields.spanIdKey(), fields.requestIdKey()};
        for (String key : first) {
          Object value = data.get(key);
          if (value != null) {
            json.writeStringField(key, value.toString());
          }
        }
        for (Map.Entry<?, ?> entry : data.entrySet()) {
          String key = String.valueOf(entry.getKey());
          if (!isFirst(key, first) && !isReserved(key)) {
            json.writeStringField(key, entry.getValue() == null ? null : entry.getValue().toString());
          }
        }
      }
      if (thrown != null) {
        json.writeObjectFieldStart("exception");
        json.writeStringField("class", thrown.getClass().getName());
        json.writeStringField("message", thrown.getMessage());
        json.writeStringField("stack", LogRecordEmitter.stackTrace(thrown));
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write(NEWLINE, 0, 1);
    return out.toByteArray();
  }

  private static boolean isFirst(String key, String[] first) {
    for (String f : first) {
      if (f.equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** An MDC entry never overwrites a field of the line itself (duplicate keys are not JSON). */
  private static boolean isReserved(String key) {
    switch (key) {
      case "timestamp":
      case "level":
      case "logger":
      case "thread":
      case "message":
      case "exception":
        return true;
      default:
        return false;
    }
  }
}
