package io.sightline.instrumentation.jdbc;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.sightline.instrumentation.api.AttributeSets;
import io.sightline.instrumentation.api.ExceptionEvents;
import io.sightline.instrumentation.api.MetricBuckets;
import io.sightline.instrumentation.api.RecentIdentityMap;
import io.sightline.instrumentation.api.Settings;
import io.sightline.instrumentation.api.WeakIdentityMap;
import io.sightline.instrumentation.http.SemanticAttributes;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spans and the duration histogram of JDBC calls, plus the per-object state they need: database
 * facts per connection, the SQL each prepared statement was made from, and the SQL texts added to
 * a plain statement's batch. Keyed by identity, weakly or until the statement closes; nothing
 * is recomputed per call.
 */
public final class JdbcTelemetry {
  public static final String DURATION = "db.client.operation.duration";

  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  static final AttributeKey<String> DB_QUERY_TEXT = AttributeKey.stringKey("db.query.text");
  static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
  static final AttributeKey<Long> DB_OPERATION_BATCH_SIZE = AttributeKey.longKey("db.operation.batch.size");
  static final AttributeKey<String> DB_RESPONSE_STATUS_CODE = AttributeKey.stringKey("db.response.status_code");

  /** Statements kept per plain-statement batch; beyond that only the count grows. */
  private static final int MAX_BATCH_TEXTS = 1000;
  private static final int MAX_URLS = 256;

  /** {database, operation, collection, error type}: one set per combination, not one per call. */
  private static final AttributeSets DURATION_ATTRIBUTES = new AttributeSets((dbInfo, operation, collection, errorType, unused) -> {
    DbInfo db = (DbInfo) dbInfo;
    AttributesBuilder attributes = Attributes.builder().put(DB_SYSTEM_NAME, db.system());
    if (db.namespace() != null) {
      attributes.put(DB_NAMESPACE, db.namespace());
    }
    if (operation != null) {
      attributes.put(DB_OPERATION_NAME, (String) operation);
    }
    if (collection != null) {
      attributes.put(DB_COLLECTION_NAME, (String) collection);
    }
    if (db.serverAddress() != null) {
      attributes.put(SemanticAttributes.SERVER_ADDRESS, db.serverAddress());
      if (db.serverPort() > 0) {
        attributes.put(SemanticAttributes.SERVER_PORT, db.serverPort());
      }
    }
    if (errorType != null) {
      attributes.put(SemanticAttributes.ERROR_TYPE, (String) errorType);
    }
    return attributes.build();
  });

  private final Tracer tracer;
  private final DoubleHistogram duration;
  /** ANSI quoting, one per reading of a backslash in literals. */
  private final Map<SqlSanitizer.Backslash, SqlSanitizer> ansiSanitizers = new EnumMap<>(SqlSanitizer.Backslash.class);
  private final SqlSanitizer mysqlSanitizer;

  private final WeakIdentityMap<Connection, DbInfo> connections = new WeakIdentityMap<>();
  /** Closed statements are removed; not one weak reference per statement (RecentIdentityMap). */
  private final RecentIdentityMap<Statement, PreparedSql> preparedStatements = new RecentIdentityMap<>();
  private final WeakIdentityMap<Statement, Batch> batches = new WeakIdentityMap<>();
  private final ConcurrentHashMap<String, DbInfo> urls = new ConcurrentHashMap<>();

  public JdbcTelemetry(OpenTelemetry openTelemetry, String instrumentationName) {
    String scope = "io.sightline." + instrumentationName;
    this.tracer = openTelemetry.getTracer(scope);
    this.duration = openTelemetry.getMeter(scope).histogramBuilder(DURATION)
        .setUnit("s")
        .setDescription("Duration of database client operations.")
        .setExplicitBucketBoundariesAdvice(MetricBuckets.forInstrument(DURATION, SemanticAttributes.DURATION_BUCKETS))
        .build();
    boolean sanitize = Settings.getBoolean("otel.instrumentation.common.db-statement-sanitizer.enabled", true);
    this.mysqlSanitizer = new SqlSanitizer(true, SqlSanitizer.Backslash.ESCAPES, sanitize);
    for (SqlSanitizer.Backslash backslash : SqlSanitizer.Backslash.values()) {
      ansiSanitizers.put(backslash, new SqlSanitizer(false, backslash, sanitize));
    }
  }

  /**
   * The SQL of a prepared statement and the database it runs on, recorded when it is prepared and
   * described (sanitised, looked up in the sanitiser's cache) at its first execution: with a pool,
   * both the pool's proxy and the driver's statement inside it are prepared, and only the proxy
   * executes. The driver's copy of the text is often a new string (H2 translates it), whose hash
   * the cache look-up would compute on every prepare.
   */
  static final class PreparedSql {
    final String text;
    final DbInfo db;
    /** Racy on purpose: every thread computes the same immutable value from the sanitiser's cache. */
    private SqlStatementInfo described;

    PreparedSql(String text, DbInfo db) {
      this.text = text;
      this.db = db;
    }

    SqlStatementInfo describe(SqlSanitizer sanitizer) {
      SqlStatementInfo info = described;
      if (info == null) {
        info = sanitizer.info(text);
        described = info;
      }
      return info;
    }
  }

  private static final class Batch {
    final List<SqlStatementInfo> statements = new ArrayList<>();
    int count;
  }

  /** One traced call: ended by {@link #end}. */
  static final class Call {
    final Span span;
    final io.opentelemetry.context.Scope scope;
    final Context context;
    final long startNanos;
    final DbInfo db;
    final SqlStatementInfo sql;
    final boolean batch;
    final List<SqlStatementInfo> batchStatements;

    Call(Span span, Context context, long startNanos, DbInfo db, SqlStatementInfo sql, boolean batch,
        List<SqlStatementInfo> batchStatements) {
      this.span = span;
      this.context = context;
      this.scope = context.makeCurrent();
      this.startNanos = startNanos;
      this.db = db;
      this.sql = sql;
      this.batch = batch;
      this.batchStatements = batchStatements;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // State recorded outside executions

  void prepared(Connection connection, String sql, Object statement) {
    if (sql == null || !(statement instanceof Statement)) {
      return;
    }
    DbInfo db = dbInfo(connection);
    preparedStatements.put((Statement) statement, new PreparedSql(sql, db));
  }

  void addBatch(Statement statement, String sql) {
    Batch batch = batches.get(statement);
    if (batch == null) {
      batch = new Batch();
      batches.put(statement, batch);
    }
    batch.count++;
    if (sql != null && batch.statements.size() < MAX_BATCH_TEXTS) {
      PreparedSql prepared = preparedStatements.get(statement);
      DbInfo db = prepared != null ? prepared.db : dbInfo(connectionOf(statement));
      batch.statements.add(sanitizer(db).info(sql));
    }
  }

  void clearBatch(Statement statement) {
    batches.remove(statement);
  }

  /** A statement closed: what was recorded for it is not needed any more. */
  void closed(Statement statement) {
    preparedStatements.remove(statement);
    batches.remove(statement);
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  /** A call with SQL text in hand: {@code Statement.execute(sql)} and friends. */
  Call startSql(Statement statement, String sql) {
    DbInfo db = dbInfo(connectionOf(statement));
    return start(db, sanitizer(db).info(sql), false, null);
  }

  /** A call on a prepared statement: its SQL was recorded when it was prepared. */
  Call startPrepared(Statement statement) {
    PreparedSql prepared = preparedStatements.get(statement);
    if (prepared != null) {
      return start(prepared.db, prepared.describe(sanitizer(prepared.db)), false, null);
    }
    return start(dbInfo(connectionOf(statement)), null, false, null);
  }

  Call startBatch(Statement statement) {
    PreparedSql prepared = preparedStatements.get(statement);
    Batch batch = batches.remove(statement);
    if (prepared != null) {
      return start(prepared.db, prepared.describe(sanitizer(prepared.db)), true, null);
    }
    DbInfo db = dbInfo(connectionOf(statement));
    return start(db, null, true, batch == null ? null : batch.statements);
  }

  /** A nested batch call (a wrapper's delegate): its own recorded batch texts are not needed. */
  void discardBatch(Statement statement) {
    batches.remove(statement);
  }

  private Call start(DbInfo db, SqlStatementInfo sql, boolean batch, List<SqlStatementInfo> batchStatements) {
    long startNanos = System.nanoTime();
    Context parent = Context.current();
    SqlStatementInfo shown = sql != null ? sql : (batchStatements != null ? combine(batchStatements) : null);
    SpanBuilder builder = tracer.spanBuilder(spanName(shown, db))
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(DB_SYSTEM_NAME, db.system());
    if (db.namespace() != null) {
      builder.setAttribute(DB_NAMESPACE, db.namespace());
    }
    if (db.serverAddress() != null) {
      builder.setAttribute(SemanticAttributes.SERVER_ADDRESS, db.serverAddress());
      if (db.serverPort() > 0) {
        builder.setAttribute(SemanticAttributes.SERVER_PORT, db.serverPort());
      }
    }
    if (shown != null) {
      builder.setAttribute(DB_QUERY_TEXT, shown.queryText());
      if (!batch) {
        if (shown.operation() != null) {
          builder.setAttribute(DB_OPERATION_NAME, shown.operation());
        }
        if (shown.collection() != null) {
          builder.setAttribute(DB_COLLECTION_NAME, shown.collection());
        }
      }
    }
    Span span = builder.startSpan();
    return new Call(span, parent.with(span), startNanos, db, shown, batch, batchStatements);
  }

  void end(Call call, Object result, Throwable thrown) {
    try {
      Span span = call.span;
      String operation = call.sql == null ? null : call.sql.operation();
      String collection = call.sql == null ? null : call.sql.collection();
      if (call.batch) {
        long size = batchSize(result, thrown, call.batchStatements);
        if (size != 1) {
          operation = operation == null ? "BATCH" : "BATCH " + operation;
          if (size >= 0) {
            span.setAttribute(DB_OPERATION_BATCH_SIZE, size);
          }
        }
        if (operation != null) {
          span.setAttribute(DB_OPERATION_NAME, operation);
        }
        if (collection != null) {
          span.setAttribute(DB_COLLECTION_NAME, collection);
        }
        span.updateName(spanName(operation, collection, call.db));
      }
      String errorType = null;
      if (thrown != null) {
        errorType = thrown.getClass().getName();
        span.setAttribute(SemanticAttributes.ERROR_TYPE, errorType);
        if (thrown instanceof SQLException && ((SQLException) thrown).getSQLState() != null) {
          span.setAttribute(DB_RESPONSE_STATUS_CODE, ((SQLException) thrown).getSQLState());
        }
        ExceptionEvents.record(span, thrown);
        span.setStatus(StatusCode.ERROR, thrown.getClass().getSimpleName());
      }
      span.end();

      duration.record((System.nanoTime() - call.startNanos) / 1e9,
          DURATION_ATTRIBUTES.get(call.db, operation, collection, errorType, 0), call.context);
    } finally {
      call.scope.close();
    }
  }

  private static long batchSize(Object result, Throwable thrown, List<SqlStatementInfo> texts) {
    if (result instanceof int[]) {
      return ((int[]) result).length;
    }
    if (result instanceof long[]) {
      return ((long[]) result).length;
    }
    if (thrown instanceof java.sql.BatchUpdateException) {
      int[] counts = ((java.sql.BatchUpdateException) thrown).getUpdateCounts();
      if (counts != null && counts.length > 0) {
        return counts.length;
      }
    }
    return texts != null ? texts.size() : -1;
  }

  /** The texts of a plain statement's batch as one: the common text, or all distinct ones joined. */
  private static SqlStatementInfo combine(List<SqlStatementInfo> statements) {
    if (statements.isEmpty()) {
      return null;
    }
    SqlStatementInfo first = statements.get(0);
    boolean sameText = true;
    boolean sameOperation = true;
    boolean sameCollection = true;
    for (SqlStatementInfo s : statements) {
      sameText &= s.queryText().equals(first.queryText());
      sameOperation &= s.operation() != null && s.operation().equals(first.operation());
      sameCollection &= s.collection() != null && s.collection().equals(first.collection());
    }
    if (sameText) {
      return first;
    }
    StringBuilder text = new StringBuilder();
    List<String> seen = new ArrayList<>();
    for (SqlStatementInfo s : statements) {
      if (!seen.contains(s.queryText()) && text.length() < SqlSanitizer.MAX_LENGTH) {
        seen.add(s.queryText());
        text.append(text.length() == 0 ? "" : "; ").append(s.queryText());
      }
    }
    return new SqlStatementInfo(text.toString(), sameOperation ? first.operation() : null,
        sameCollection ? first.collection() : null);
  }

  private static String spanName(SqlStatementInfo sql, DbInfo db) {
    return spanName(sql == null ? null : sql.operation(), sql == null ? null : sql.collection(), db);
  }

  /** {@code {operation} {collection}}, else the operation, else the namespace, else the system. */
  static String spanName(String operation, String collection, DbInfo db) {
    if (operation != null) {
      return collection != null ? operation + " " + collection : operation;
    }
    return db.namespace() != null ? db.namespace() : db.system();
  }

  // ---------------------------------------------------------------------------------------------
  // Database facts per connection

  private SqlSanitizer sanitizer(DbInfo db) {
    return db.usesMysqlQuotes() ? mysqlSanitizer : ansiSanitizers.get(db.backslash());
  }

  /**
   * The driver's connection behind a pool's proxy: long-lived, so the facts are read once per
   * physical connection rather than once per borrow, and reading them never touches the proxy
   * (HikariCP's proxy marks its commit state dirty on {@code getMetaData()}).
   */
  private static Connection physical(Connection connection) {
    try {
      Connection unwrapped = connection.unwrap(Connection.class);
      return unwrapped != null ? unwrapped : connection;
    } catch (Throwable t) {
      return connection;
    }
  }

  private static Connection connectionOf(Statement statement) {
    try {
      return statement.getConnection();
    } catch (Throwable t) {
      return null;
    }
  }

  DbInfo dbInfo(Connection connection) {
    if (connection == null) {
      return DbInfo.UNKNOWN;
    }
    connection = physical(connection);
    DbInfo known = connections.get(connection);
    if (known != null) {
      return known;
    }
    DbInfo info = DbInfo.UNKNOWN;
    try {
      DatabaseMetaData metaData = connection.getMetaData();
      String url = metaData.getURL();
      info = url == null ? null : urls.get(url);
      if (info == null) {
        info = DbInfo.fromUrl(url);
        if (info == DbInfo.UNKNOWN || "other_sql".equals(info.system())) {
          info = info.withSystem(DbInfo.systemFromProductName(metaData.getDatabaseProductName()));
        }
        if (url != null && url.length() < 2048) {
          if (urls.size() >= MAX_URLS) {
            urls.clear();
          }
          urls.put(url, info);
        }
      }
    } catch (Throwable t) {
      // A closed or broken connection: report what is known, which is little.
      info = DbInfo.UNKNOWN;
    }
    connections.put(connection, info);
    return info;
  }
}
