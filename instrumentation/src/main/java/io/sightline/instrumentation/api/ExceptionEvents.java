package io.sightline.instrumentation.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.sightline.instrumentation.jdbc.SqlSanitizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code exception} event of a span. Database errors quote what the statement held: H2 appends
 * the SQL with its literals and the row's values, PostgreSQL's {@code Detail:} line and SQL
 * Server's "duplicate key value is (...)" give the row's values, Spring and Hibernate repeat the
 * SQL in their wrappers. When an {@code SQLException} is anywhere in the chain, every message of
 * the chain is recorded with its literals hidden, in {@code exception.message} and in the stack
 * trace alike, so that the event keeps no more than {@code db.query.text} does. Other exceptions
 * are recorded as the SDK records them.
 */
public final class ExceptionEvents {
  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> MESSAGE = AttributeKey.stringKey("exception.message");
  private static final AttributeKey<String> STACKTRACE = AttributeKey.stringKey("exception.stacktrace");
  /** PostgreSQL's detail line: the key or row values of the failing statement. */
  private static final Pattern DETAIL_LINE = Pattern.compile("(?im)^(\\s*Detail:).*$");
  /**
   * A double-quoted part that is not a plain name: H2 quotes a whole index description, with the
   * row's values in it ({@code "PUBLIC.PK ON PUBLIC.T(ID) VALUES ( 1, 'dup' )"}).
   */
  private static final Pattern QUOTED_TEXT = Pattern.compile("\"[^\"]*[\\s'][^\"]*\"");
  /** A parenthesised list of values after "value is" or {@code )=} (SQL Server, PostgreSQL). */
  private static final Pattern VALUE_LIST = Pattern.compile("(?i)(value is |\\)=)\\([^)]*\\)");
  private static final int MAX_CHAIN = 16;

  private ExceptionEvents() {}

  public static void record(Span span, Throwable thrown) {
    if (thrown == null) {
      return;
    }
    Map<Throwable, Boolean> chain = chain(thrown);
    boolean database = false;
    for (Throwable t : chain.keySet()) {
      if (t instanceof SQLException) {
        database = true;
        break;
      }
    }
    if (!database) {
      span.recordException(thrown);
      return;
    }
    Map<String, String> hidden = new LinkedHashMap<>();
    for (Throwable t : chain.keySet()) {
      String message = t.getLocalizedMessage();
      if (message != null && !message.isEmpty() && !hidden.containsKey(message)) {
        hidden.put(message, hideValues(message));
      }
    }
    StringWriter trace = new StringWriter();
    try (PrintWriter out = new PrintWriter(trace)) {
      thrown.printStackTrace(out);
    }
    String stack = trace.toString();
    // Longest first: a wrapper's message often contains its cause's.
    String[] messages = hidden.keySet().toArray(new String[0]);
    Arrays.sort(messages, (a, b) -> Integer.compare(b.length(), a.length()));
    for (String message : messages) {
      stack = stack.replace(message, hidden.get(message));
    }
    String own = thrown.getMessage();
    span.addEvent("exception", Attributes.builder()
        .put(TYPE, thrown.getClass().getName())
        .put(MESSAGE, own == null ? null : hidden.getOrDefault(own, hideValues(own)))
        .put(STACKTRACE, stack)
        .build());
  }

  /** A message without the values it quotes. */
  static String hideValues(String message) {
    String text = DETAIL_LINE.matcher(message).replaceAll("$1 ?");
    text = QUOTED_TEXT.matcher(text).replaceAll("?");
    text = SqlSanitizer.hideLiterals(text);
    return VALUE_LIST.matcher(text).replaceAll("$1(?)");
  }

  /** The throwable, its causes and suppressed ones, each once. */
  private static Map<Throwable, Boolean> chain(Throwable thrown) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    add(thrown, seen);
    return seen;
  }

  private static void add(Throwable t, Map<Throwable, Boolean> seen) {
    if (t == null || seen.size() >= MAX_CHAIN || seen.put(t, Boolean.TRUE) != null) {
      return;
    }
    if (t instanceof SQLException) {
      add(((SQLException) t).getNextException(), seen);
    }
    for (Throwable suppressed : t.getSuppressed()) {
      add(suppressed, seen);
    }
    add(t.getCause(), seen);
  }
}
