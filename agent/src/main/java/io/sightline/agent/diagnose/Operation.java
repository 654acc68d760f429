package io.sightline.agent.diagnose;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * What a stretch of a request's time was spent on: the request's own code ({@code self}), an
 * internal span's own code, or a call out of the process (HTTP, database, other clients), or a
 * wait for a pooled connection. Outgoing calls are leaves: everything under them (a traced
 * downstream service, say) counts as time in that call.
 */
final class Operation implements Comparable<Operation> {
  enum Type {
    SELF("self", false),
    INTERNAL("internal", false),
    HTTP("http", true),
    DB("db", true),
    CLIENT("client", true),
    SERVER("server", true),
    POOL("pool", false);

    final String id;
    /** Time outside the process, as opposed to in-process work or waiting in the process. */
    final boolean downstream;

    Type(String id, boolean downstream) {
      this.id = id;
      this.downstream = downstream;
    }
  }

  final Type type;
  /** The server address, the database operation, the route or the span name, by type. */
  final String name;

  Operation(Type type, String name) {
    this.type = type;
    this.name = name;
  }

  /** The request's own time, outside all child spans. */
  static Operation self(String route) {
    return new Operation(Type.SELF, route);
  }

  /** Where a span (other than the request's own SERVER span) puts its time. */
  static Operation of(SpanData span) {
    if (isPoolWait(span)) {
      String pool = span.attribute("db.client.connection.pool.name", "pool.name");
      return new Operation(Type.POOL, pool != null ? pool : span.name);
    }
    String dbSystem = span.attribute("db.system.name", "db.system");
    if (dbSystem != null) {
      String operation = span.attribute("db.operation.name", "db.operation");
      String collection = span.attribute("db.collection.name", "db.sql.table");
      StringBuilder name = new StringBuilder(dbSystem);
      if (operation == null && collection == null) {
        String summary = span.attribute("db.query.summary");
        name.append(' ').append(summary != null ? summary : span.name);
      } else {
        if (operation != null) {
          name.append(' ').append(operation);
        }
        if (collection != null) {
          name.append(' ').append(collection);
        }
      }
      return new Operation(Type.DB, name.toString());
    }
    if (span.kind == SpanData.CLIENT
        && (span.attribute("http.request.method") != null || span.attribute("url.full") != null)) {
      return new Operation(Type.HTTP, httpServer(span));
    }
    if (span.kind == SpanData.CLIENT || span.kind == SpanData.PRODUCER) {
      return new Operation(Type.CLIENT, span.name);
    }
    if (span.kind == SpanData.SERVER || span.kind == SpanData.CONSUMER) {
      return new Operation(Type.SERVER, span.service.isEmpty() ? span.name : span.service + " " + span.name);
    }
    return new Operation(Type.INTERNAL, span.name);
  }

  /** Outgoing calls and pool waits are leaves; internal spans are opened up. */
  boolean isLeaf() {
    return type != Type.SELF && type != Type.INTERNAL;
  }

  /**
   * A span about acquiring a pooled connection. There is no semantic convention for such spans;
   * these are the names and attributes pool instrumentations use.
   */
  static boolean isPoolWait(SpanData span) {
    if (span.attribute("db.client.connection.wait_time") != null) {
      return true;
    }
    String name = span.name.toLowerCase(Locale.ROOT);
    return name.contains("getconnection") || name.contains("acquire") || name.contains("connection wait")
        || name.contains("connection.wait") || (name.contains("pool") && name.contains("connect"));
  }

  private static String httpServer(SpanData span) {
    String address = span.attribute("server.address");
    if (address != null && !address.isEmpty()) {
      return address;
    }
    String url = span.attribute("url.full");
    if (url != null) {
      try {
        String host = URI.create(url).getHost();
        if (host != null) {
          return host;
        }
      } catch (IllegalArgumentException e) {
        // not a URI: fall through to the span name
      }
    }
    return span.name;
  }

  /** How the operation reads in a table row. */
  String label() {
    switch (type) {
      case SELF:
        return name + " (self time)";
      case HTTP:
        return "HTTP " + name;
      case DB:
        return "DB " + name;
      case POOL:
        return "pool wait " + name;
      case CLIENT:
        return "client " + name;
      case SERVER:
        return "server " + name;
      default:
        return "internal " + name;
    }
  }

  @Override
  public int compareTo(Operation other) {
    int byType = type.compareTo(other.type);
    return byType != 0 ? byType : name.compareTo(other.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Operation && ((Operation) o).type == type && ((Operation) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name);
  }

  @Override
  public String toString() {
    return label();
  }
}
