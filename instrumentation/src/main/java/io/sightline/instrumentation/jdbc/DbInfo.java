package io.sightline.instrumentation.jdbc;

import java.util.Locale;

/**
 * What a JDBC URL tells about the database: the system (OpenTelemetry {@code db.system.name}
 * values), the namespace (database name) and the server. Never user names, passwords or other URL
 * properties.
 */
public final class DbInfo {
  public static final DbInfo UNKNOWN = new DbInfo("other_sql", null, null, -1);

  private final String system;
  private final String namespace;
  private final String serverAddress;
  private final int serverPort;
  private final SqlSanitizer.Backslash backslash;

  DbInfo(String system, String namespace, String serverAddress, int serverPort) {
    this.system = system;
    this.backslash = backslashOf(system);
    this.namespace = namespace == null || namespace.isEmpty() ? null : namespace;
    this.serverAddress = serverAddress == null || serverAddress.isEmpty() ? null : serverAddress;
    this.serverPort = serverPort;
  }

  public String system() {
    return system;
  }

  /** The database name, or null. */
  public String namespace() {
    return namespace;
  }

  /** Host name or address, or null for embedded databases. */
  public String serverAddress() {
    return serverAddress;
  }

  /** The port, or -1 when unknown or embedded. */
  public int serverPort() {
    return serverPort;
  }

  /**
   * How this system's default SQL mode reads a backslash inside a string literal. PostgreSQL has
   * read it as a plain character since 9.1 ({@code standard_conforming_strings}); its
   * {@code E'...'} strings are read with escapes whatever the system.
   */
  SqlSanitizer.Backslash backslash() {
    return backslash;
  }

  private static SqlSanitizer.Backslash backslashOf(String system) {
    switch (system == null ? "" : system) {
      case "mysql":
      case "mariadb":
      case "clickhouse":
        return SqlSanitizer.Backslash.ESCAPES;
      case "postgresql":
      case "microsoft.sql_server":
      case "oracle.db":
      case "ibm.db2":
      case "h2database":
      case "hsqldb":
      case "derby":
      case "sqlite":
        return SqlSanitizer.Backslash.PLAIN;
      default:
        return SqlSanitizer.Backslash.EITHER;
    }
  }

  /** Whether {@code "text"} is a string literal in this system's default SQL mode. */
  boolean usesMysqlQuotes() {
    return "mysql".equals(system) || "mariadb".equals(system);
  }

  /** Parses a JDBC URL; anything it does not recognise yields {@code other_sql} and no more. */
  public static DbInfo fromUrl(String url) {
    if (url == null) {
      return UNKNOWN;
    }
    String rest = url.trim();
    if (!rest.regionMatches(true, 0, "jdbc:", 0, 5)) {
      return UNKNOWN;
    }
    rest = rest.substring(5);
    // Wrapping drivers put their own sub-protocol in front of the real one.
    for (String wrapper : new String[] {"p6spy:", "log4jdbc:", "otel:", "tracing:", "datadog:"}) {
      if (rest.regionMatches(true, 0, wrapper, 0, wrapper.length())) {
        rest = rest.substring(wrapper.length());
      }
    }
    int colon = rest.indexOf(':');
    if (colon <= 0) {
      return UNKNOWN;
    }
    String sub = rest.substring(0, colon).toLowerCase(Locale.ROOT);
    String tail = rest.substring(colon + 1);
    switch (sub) {
      case "postgresql":
      case "pgsql":
        return hierarchical("postgresql", tail, 5432);
      case "mysql":
        return hierarchical("mysql", afterSubName(tail), 3306);
      case "mariadb":
        return hierarchical("mariadb", afterSubName(tail), 3306);
      case "sqlserver":
        return sqlServer(tail);
      case "jtds":
        return tail.regionMatches(true, 0, "sqlserver:", 0, 10) ? hierarchical("microsoft.sql_server", tail.substring(10), 1433) : UNKNOWN;
      case "oracle":
        return oracle(tail);
      case "db2":
        return hierarchical("ibm.db2", tail, 50000);
      case "h2":
        return embedded("h2database", tail, 9092);
      case "hsqldb":
        return embedded("hsqldb", tail, 9001);
      case "derby":
        return embedded("derby", tail, 1527);
      case "sqlite":
        return new DbInfo("sqlite", stripParameters(tail), null, -1);
      case "clickhouse":
      case "ch":
        return hierarchical("clickhouse", afterSubName(tail), 8123);
      default:
        return UNKNOWN;
    }
  }

  /** When the URL says nothing, the driver's product name may ({@code DatabaseMetaData}). */
  static String systemFromProductName(String product) {
    if (product == null) {
      return "other_sql";
    }
    String p = product.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return "postgresql";
    } else if (p.contains("mariadb")) {
      return "mariadb";
    } else if (p.contains("mysql")) {
      return "mysql";
    } else if (p.contains("oracle")) {
      return "oracle.db";
    } else if (p.contains("microsoft") || p.contains("sql server")) {
      return "microsoft.sql_server";
    } else if (p.equals("h2")) {
      return "h2database";
    } else if (p.contains("hsql")) {
      return "hsqldb";
    } else if (p.contains("derby")) {
      return "derby";
    } else if (p.contains("db2")) {
      return "ibm.db2";
    } else if (p.contains("sqlite")) {
      return "sqlite";
    }
    return "other_sql";
  }

  DbInfo withSystem(String newSystem) {
    return new DbInfo(newSystem, namespace, serverAddress, serverPort);
  }

  /** {@code mysql:loadbalance://h/db} and the like: drop the mode, keep {@code //h/db}. */
  private static String afterSubName(String tail) {
    if (tail.startsWith("//")) {
      return tail;
    }
    int slashes = tail.indexOf("//");
    return slashes < 0 ? tail : tail.substring(slashes);
  }

  /** {@code //[user[:password]@]host[:port][,host2...][/database][?...|;...]} */
  private static DbInfo hierarchical(String system, String tail, int defaultPort) {
    if (!tail.startsWith("//")) {
      return new DbInfo(system, null, null, -1);
    }
    String s = tail.substring(2);
    int end = indexOfAny(s, "/?;");
    String authority = end < 0 ? s : s.substring(0, end);
    String database = null;
    if (end >= 0 && s.charAt(end) == '/') {
      String path = s.substring(end + 1);
      int stop = indexOfAny(path, "?;");
      database = decode(stop < 0 ? path : path.substring(0, stop));
    }
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1); // never keep credentials
    }
    int comma = authority.indexOf(',');
    if (comma >= 0) {
      authority = authority.substring(0, comma);
    }
    String host = authority;
    int port = authority.isEmpty() ? -1 : defaultPort;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close > 0) {
        host = authority.substring(1, close);
        port = parsePort(authority.substring(close + 1), port);
      }
    } else {
      int c = authority.lastIndexOf(':');
      if (c >= 0) {
        host = authority.substring(0, c);
        port = parsePort(authority.substring(c), port);
      }
    }
    return new DbInfo(system, database, host.isEmpty() ? null : host, host.isEmpty() ? -1 : port);
  }

  /** {@code //host[\instance][:port][;databaseName=db;...]} */
  private static DbInfo sqlServer(String tail) {
    String s = tail.startsWith("//") ? tail.substring(2) : tail;
    int semi = s.indexOf(';');
    String authority = semi < 0 ? s : s.substring(0, semi);
    String database = null;
    if (semi >= 0) {
      for (String property : s.substring(semi + 1).split(";")) {
        int eq = property.indexOf('=');
        if (eq > 0) {
          String key = property.substring(0, eq).trim().toLowerCase(Locale.ROOT);
          if (key.equals("databasename") || key.equals("database")) {
            database = property.substring(eq + 1).trim();
          }
        }
      }
    }
    int port = 1433;
    int c = authority.lastIndexOf(':');
    if (c >= 0) {
      port = parsePort(authority.substring(c), port);
      authority = authority.substring(0, c);
    }
    int backslash = authority.indexOf('\\');
    String host = backslash >= 0 ? authority.substring(0, backslash) : authority;
    return new DbInfo("microsoft.sql_server", database, host, host.isEmpty() ? -1 : port);
  }

  /** {@code thin:@host:port:sid}, {@code thin:@//host:port/service}, or a TNS descriptor. */
  private static DbInfo oracle(String tail) {
    int at = tail.indexOf('@');
    if (at < 0) {
      return new DbInfo("oracle.db", null, null, -1);
    }
    String s = tail.substring(at + 1);
    if (s.startsWith("(")) {
      String upper = s.toUpperCase(Locale.ROOT);
      String host = tnsValue(s, upper, "HOST=");
      String port = tnsValue(s, upper, "PORT=");
      String service = tnsValue(s, upper, "SERVICE_NAME=");
      if (service == null) {
        service = tnsValue(s, upper, "SID=");
      }
      return new DbInfo("oracle.db", service, host, host == null ? -1 : parsePort(":" + port, 1521));
    }
    if (s.startsWith("//")) {
      DbInfo info = hierarchical("oracle.db", s, 1521);
      return info;
    }
    String[] parts = s.split(":");
    String host = parts[0];
    int port = parts.length > 1 ? parsePort(":" + parts[1], 1521) : 1521;
    String sid = parts.length > 2 ? parts[2] : null;
    return new DbInfo("oracle.db", sid, host, host.isEmpty() ? -1 : port);
  }

  private static String tnsValue(String s, String upper, String key) {
    int i = upper.indexOf(key);
    if (i < 0) {
      return null;
    }
    int start = i + key.length();
    int end = s.indexOf(')', start);
    return (end < 0 ? s.substring(start) : s.substring(start, end)).trim();
  }

  /** H2, HSQLDB, Derby: in-memory, file or server URLs. */
  private static DbInfo embedded(String system, String tail, int defaultPort) {
    String s = stripParameters(tail);
    String lower = s.toLowerCase(Locale.ROOT);
    for (String remote : new String[] {"tcp:", "ssl:", "hsql:", "hsqls:", "http:", "https:"}) {
      if (lower.startsWith(remote)) {
        return withoutStorage(hierarchical(system, s.substring(remote.length()), defaultPort));
      }
    }
    if (lower.startsWith("//")) {
      return withoutStorage(hierarchical(system, s, defaultPort));
    }
    return new DbInfo(system, withoutStorage(s), null, -1);
  }

  private static final String[] STORAGE_PREFIXES =
      {"mem:", "memory:", "file:", "res:", "zip:", "split:", "nio:", "directory:", "classpath:", "jar:"};

  /** The database name without the storage kind: {@code mem:orders} is {@code orders}, served or not. */
  private static String withoutStorage(String name) {
    if (name == null) {
      return null;
    }
    for (String storage : STORAGE_PREFIXES) {
      if (name.regionMatches(true, 0, storage, 0, storage.length())) {
        return name.substring(storage.length());
      }
    }
    return name;
  }

  private static DbInfo withoutStorage(DbInfo served) {
    String name = withoutStorage(served.namespace);
    return name == null || name.equals(served.namespace) ? served
        : new DbInfo(served.system, name, served.serverAddress, served.serverPort);
  }

  private static String stripParameters(String s) {
    int stop = indexOfAny(s, ";?");
    return stop < 0 ? s : s.substring(0, stop);
  }

  private static int parsePort(String colonAndPort, int defaultPort) {
    if (colonAndPort == null || colonAndPort.length() < 2 || colonAndPort.charAt(0) != ':') {
      return defaultPort;
    }
    try {
      int port = Integer.parseInt(colonAndPort.substring(1).trim());
      return port > 0 && port < 65536 ? port : defaultPort;
    } catch (NumberFormatException e) {
      return defaultPort;
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    try {
      return java.net.URLDecoder.decode(s, "UTF-8");
    } catch (Exception e) {
      return s;
    }
  }

  @Override
  public String toString() {
    return system + " " + namespace + " " + serverAddress + ":" + serverPort;
  }
}
