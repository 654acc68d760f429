package io.sightline.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Messages as the drivers and frameworks write them; the event keeps their meaning, not their values. */
class ExceptionEventsTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider tracing = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();

  @AfterEach
  void close() {
    tracing.close();
  }

  private Attributes recorded(Throwable thrown) {
    Span span = tracing.get("test").spanBuilder("op").startSpan();
    ExceptionEvents.record(span, thrown);
    span.end();
    SpanData data = exporter.getFinishedSpanItems().get(exporter.getFinishedSpanItems().size() - 1);
    assertThat(data.getEvents()).hasSize(1);
    EventData event = data.getEvents().get(0);
    assertThat(event.getName()).isEqualTo("exception");
    return event.getAttributes();
  }

  private static String message(Attributes event) {
    return event.get(AttributeKey.stringKey("exception.message"));
  }

  private static String stack(Attributes event) {
    return event.get(AttributeKey.stringKey("exception.stacktrace"));
  }

  @Test
  void h2sMessageAndSpringsWrapperLoseTheStatementsValues() {
    SQLException h2 = new SQLIntegrityConstraintViolationException(
        "Unique index or primary key violation: \"PUBLIC.PRIMARY_KEY_5 ON PUBLIC.ACCOUNTS(ID) VALUES ( /* 1 */ 7, 'dup-owner' )\";"
            + " SQL statement:\nINSERT INTO accounts VALUES (7, 'secret19') [23505-232]", "23505", 23505);
    RuntimeException spring = new RuntimeException(
        "PreparedStatementCallback; SQL [INSERT INTO accounts VALUES (7, 'secret19')]; " + h2.getMessage(), h2);

    Attributes event = recorded(spring);
    assertThat(event.get(AttributeKey.stringKey("exception.type"))).isEqualTo("java.lang.RuntimeException");
    assertThat(message(event)).startsWith("PreparedStatementCallback; SQL [INSERT INTO accounts VALUES (?, ?)];")
        .contains("Unique index or primary key violation").doesNotContain("secret19").doesNotContain("dup-owner");
    assertThat(stack(event)).doesNotContain("secret19").doesNotContain("dup-owner")
        .contains("Caused by: java.sql.SQLIntegrityConstraintViolationException: Unique index or primary key violation")
        .contains("\tat io.sightline.instrumentation.api.ExceptionEventsTest");
  }

  @Test
  void theRowValuesOfPostgresAndSqlServerAreHidden() {
    Attributes postgres = recorded(new SQLException("ERROR: duplicate key value violates unique constraint"
        + " \"users_email_key\"\n  Detail: Key (email)=(bob@example.com) already exists.", "23505"));
    assertThat(message(postgres)).contains("users_email_key").contains("Detail: ?").doesNotContain("bob@example.com");
    assertThat(stack(postgres)).doesNotContain("bob@example.com");

    Attributes sqlServer = recorded(new SQLException("Violation of UNIQUE KEY constraint 'UQ_users'. Cannot insert"
        + " duplicate key in object 'dbo.users'. The duplicate key value is (bob@example.com)."));
    assertThat(message(sqlServer)).contains("The duplicate key value is (?)").doesNotContain("bob@example.com");
  }

  @Test
  void aMessageWithoutValuesKeepsItsNames() {
    Attributes event = recorded(new SQLException("Table \"MISSING_TABLE\" not found; SQL statement:\nSELECT * FROM missing_table"));
    assertThat(message(event)).isEqualTo("Table \"MISSING_TABLE\" not found; SQL statement: SELECT * FROM missing_table");
  }

  @Test
  void otherExceptionsAreRecordedAsTheyAre() {
    Attributes event = recorded(new IllegalStateException("order 42 for 'ann' failed"));
    assertThat(message(event)).isEqualTo("order 42 for 'ann' failed");
    assertThat(stack(event)).startsWith("java.lang.IllegalStateException: order 42 for 'ann' failed");
  }
}
