package io.sightline.instrumentation.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLogLineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneObjectPerLineWithFieldsInOrder() throws Exception {
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("user", "ann");
    mdc.put("request_id", "req-1");
    mdc.put("span_id", "b7ad6b7169203331");
    mdc.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
    mdc.put("message", "an MDC entry never overwrites the line's own field");
    byte[] line = JsonLogLine.write(1_764_137_096_007L, "INFO", "orders", "main", "hello", mdc, null);

    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
    JsonNode node = JSON.readTree(text);
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("timestamp", "level", "logger", "thread", "message",
        "trace_id", "span_id", "request_id", "user");
    assertThat(node.get("timestamp").asText()).isEqualTo("2025-11-26T06:04:56.007Z");
    assertThat(node.get("message").asText()).isEqualTo("hello");
    assertThat(node.get("user").asText()).isEqualTo("ann");
  }

  @Test
  void quotesNewlinesAndControlCharactersStayValidJson() throws Exception {
    String message = "said \"hi\"\nnext\tline\u0000\u0007\u001b[31m \\ end";
    IllegalStateException thrown = new IllegalStateException("bad \"state\"\n2");
    byte[] line = JsonLogLine.write(0, "ERROR", "orders", "t\"1", message, null, thrown);

    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text.substring(0, text.length() - 1)).doesNotContain("\n").doesNotContain("\u0007");
    JsonNode node = JSON.readTree(text);
    assertThat(node.get("message").asText()).isEqualTo(message);
    assertThat(node.get("thread").asText()).isEqualTo("t\"1");
    assertThat(node.has("trace_id")).isFalse();
    JsonNode exception = node.get("exception");
    assertThat(exception.get("class").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(exception.get("message").asText()).isEqualTo("bad \"state\"\n2");
    assertThat(exception.get("stack").asText()).startsWith("java.lang.IllegalStateException: bad \"state\"\n2\n\tat ");
  }
}
