package io.sightline.instrumentation.api;

/**
 * The ids that advice passes to {@link io.sightline.bootstrap.Hooks}. They are compile-time
 * constants, so javac copies the number into the advice and this class is never loaded by an
 * application class loader. Each id is registered by exactly one module; ranges per family keep
 * additions apart.
 */
public final class HookIds {
  // 1-9: JDK HTTP server
  public static final int JDK_HTTP_SERVER_CREATE_CONTEXT = 1;
  /** {@code Filter.Chain}'s constructor: contexts created before the agent was installed. */
  public static final int JDK_HTTP_SERVER_FILTER_CHAIN = 2;

  // 10-39: servlet containers and other HTTP servers
  /** {@code javax.servlet} Servlet.service and Filter.doFilter. */
  public static final int SERVLET_JAVAX_ENTRY = 10;
  /** {@code jakarta.servlet} Servlet.service and Filter.doFilter. */
  public static final int SERVLET_JAKARTA_ENTRY = 11;
  /** {@code javax.servlet} AsyncContext.start(Runnable): the Runnable wrapped with the context. */
  public static final int SERVLET_JAVAX_ASYNC_START = 12;
  /** {@code jakarta.servlet} AsyncContext.start(Runnable). */
  public static final int SERVLET_JAKARTA_ASYNC_START = 13;
  /** A Runnable wrapped by {@link #SERVLET_JAVAX_ASYNC_START} runs. */
  public static final int SERVLET_JAVAX_ASYNC_RUN = 14;
  /** A Runnable wrapped by {@link #SERVLET_JAKARTA_ASYNC_START} runs. */
  public static final int SERVLET_JAKARTA_ASYNC_RUN = 15;

  // 40-79: HTTP clients
  public static final int JAVA_HTTP_CLIENT_SEND = 40;
  public static final int JAVA_HTTP_CLIENT_RESULT = 41;
  public static final int URL_CONNECTION_CONNECT = 45;
  public static final int URL_CONNECTION_OUTPUT = 46;
  public static final int URL_CONNECTION_INPUT = 47;
  public static final int APACHE_HTTPCLIENT5_EXEC = 50;
  public static final int APACHE_HTTPCLIENT5_ASYNC_EXEC = 51;
  public static final int APACHE_HTTPCLIENT5_ASYNC_CALLBACK = 52;
  public static final int APACHE_HTTPCLIENT5_ASYNC_EXECUTE = 53;
  public static final int APACHE_HTTPCLIENT4_EXEC = 55;
  public static final int OKHTTP_CLIENT_BUILD = 60;
  public static final int OKHTTP_CALL_CHAIN = 61;
  public static final int OKHTTP_ENQUEUE = 62;
  // 80-109: JDBC and connection pools
  public static final int JDBC_EXECUTE_SQL = 80;
  public static final int JDBC_EXECUTE_PREPARED = 81;
  public static final int JDBC_EXECUTE_BATCH = 82;
  public static final int JDBC_PREPARE = 83;
  public static final int JDBC_ADD_BATCH = 84;
  public static final int JDBC_CLEAR_BATCH = 85;
  public static final int JDBC_STATEMENT_CLOSE = 86;
  public static final int HIKARI_POOL_CREATED = 90;
  public static final int HIKARI_POOL_SHUTDOWN = 91;
  public static final int HIKARI_GET_CONNECTION = 92;
  public static final int HIKARI_CONNECTION_CLOSE = 93;
  public static final int DBCP_POOL_CREATED = 96;
  public static final int DBCP_POOL_CLOSED = 97;
  public static final int DBCP_GET_CONNECTION = 98;
  public static final int DBCP_CONNECTION_CLOSE = 99;
  public static final int TOMCAT_POOL_CREATED = 101;
  public static final int TOMCAT_POOL_CLOSED = 102;
  public static final int TOMCAT_GET_CONNECTION = 103;
  // 110-149: context propagation, OpenTelemetry API bridge, annotations
  public static final int EXECUTORS_CAPTURE = 110;
  public static final int EXECUTORS_RUN = 111;
  public static final int EXECUTORS_WRAP = 112;
  public static final int EXECUTORS_WRAPPED_RUN = 113;
  public static final int EXECUTORS_RUN_ONCE = 114;
  public static final int EXECUTORS_WRAP_CALLBACK = 115;
  public static final int WITH_SPAN = 120;
  public static final int OPENTELEMETRY_API_GLOBAL_GET = 130;
  public static final int OPENTELEMETRY_API_STORAGE_GET = 131;
  // 150-189: logging
  public static final int LOGBACK_EVENT_MDC_MAP = 150;
  public static final int SLF4J_MDC_GET = 151;
  public static final int SLF4J_MDC_COPY = 152;
  public static final int LOGBACK_APPENDER = 153;
  public static final int LOGBACK_JSON_CONSOLE = 154;
  public static final int LOG4J_CONTEXT_DATA = 160;
  public static final int LOG4J_THREAD_CONTEXT_GET = 161;
  public static final int LOG4J_APPENDER = 162;
  public static final int LOG4J_JSON_CONSOLE = 163;
  public static final int JUL_LOGGER = 170;

  // 190-255: metrics and others

  private HookIds() {}
}
