package io.sightline.instrumentation.jdbc;

/** What one SQL text yields for telemetry: the sanitised text, the operation and the collection. */
public final class SqlStatementInfo {
  private final String queryText;
  private final String operation;
  private final String collection;

  SqlStatementInfo(String queryText, String operation, String collection) {
    this.queryText = queryText;
    this.operation = operation;
    this.collection = collection;
  }

  /** The query text with every literal replaced by {@code ?}; never null. */
  public String queryText() {
    return queryText;
  }

  /** The first keyword in upper case ({@code SELECT}, {@code INSERT}...), or null. */
  public String operation() {
    return operation;
  }

  /** The one table the statement works on, as written; null when none or several. */
  public String collection() {
    return collection;
  }

  @Override
  public String toString() {
    return "SqlStatementInfo{" + queryText + ", " + operation + ", " + collection + "}";
  }
}
