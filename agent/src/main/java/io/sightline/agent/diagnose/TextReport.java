package io.sightline.agent.diagnose;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The report for a terminal. */
final class TextReport {
  private TextReport() {}

  static void write(Diagnosis d, PrintWriter out) {
    OtlpJsonLines.Summary s = d.summary;
    out.println("Sightline diagnose: " + d.file);
    out.println(s.lines + " lines: " + s.spanLines + " with spans (" + s.spans + " spans), " + s.metricLines
        + " with metrics, " + s.logLines + " with logs"
        + (s.malformed > 0 ? "; " + SlowRequests.count(s.malformed, "malformed line") + " skipped" : ""));
    if (d.routes.isEmpty()) {
      out.println();
      out.println("No SERVER spans in the file: no requests to diagnose (was otel.traces.exporter=otlp-file set?).");
      return;
    }
    out.println();
    out.println("REQUESTS BY ROUTE (SERVER spans; nearest-rank percentiles)");
    TextTable routes = d.severalServices
        ? new TextTable("SERVICE", "ROUTE", ">REQUESTS", ">ERRORS", ">ERROR RATE", ">P50", ">P99", ">MAX")
        : new TextTable("ROUTE", ">REQUESTS", ">ERRORS", ">ERROR RATE", ">P50", ">P99", ">MAX");
    for (RouteStats r : d.routes) {
      String[] numbers = {Long.toString(r.count()), Long.toString(r.errors()), percent(r.errorRate()),
          Durations.format(r.percentile(50)), Durations.format(r.percentile(99)), Durations.format(r.max())};
      if (d.severalServices) {
        String[] row = new String[numbers.length + 2];
        row[0] = r.service;
        row[1] = r.route;
        System.arraycopy(numbers, 0, row, 2, numbers.length);
        routes.row(row);
      } else {
        String[] row = new String[numbers.length + 1];
        row[0] = r.route;
        System.arraycopy(numbers, 0, row, 1, numbers.length);
        routes.row(row);
      }
    }
    routes.print(out, "  ");
    writeErrors(d, out);

    for (SlowRequests slow : d.slowRoutes) {
      out.println();
      writeSlowRoute(d, slow, out);
    }

    if (!d.slowestOverall.isEmpty()) {
      out.println();
      out.println("SLOWEST REQUESTS OVERALL");
      TextTable table = new TextTable("TRACE ID", "ROUTE", ">DURATION", "STATUS", "MOST TIME IN");
      for (RequestBreakdown request : d.slowestOverall) {
        Operation top = request.top();
        String mostly = top == null ? "-"
            : percent(request.nanos(top) / Math.max(1, request.durationNanos())) + " " + top.label();
        table.row(request.root.traceId, request.route, Durations.format(request.durationNanos()),
            request.root.error ? "ERROR" : "OK", mostly);
      }
      table.print(out, "  ");
    }

    if (!d.pools.isEmpty()) {
      out.println();
      out.println("CONNECTION POOLS (metrics)");
      TextTable table = new TextTable("POOL", ">WAITS", ">MEAN WAIT", ">MAX WAIT", ">PENDING PEAK", ">IN USE PEAK", ">MAX SIZE");
      for (PoolMetrics.Pool pool : d.pools.pools()) {
        table.row(pool.name.isEmpty() ? "(unnamed)" : pool.name, Long.toString(pool.waits),
            pool.waits == 0 ? "-" : Durations.format(pool.meanWaitNanos()),
            pool.maxWaitNanos < 0 ? "-" : Durations.format(pool.maxWaitNanos),
            number(pool.pendingPeak), number(pool.usedPeak), number(pool.max));
      }
      table.print(out, "  ");
    }

    SlowRequests top = d.topCause();
    if (top != null) {
      out.println();
      out.println("TOP CAUSE");
      out.println("  " + top.cause());
      out.println("  Example traces: " + String.join(", ", top.exampleTraceIds()));
    }
    if (d.droppedSpans > 0) {
      out.println();
      out.println("Note: " + d.droppedSpans + " spans of slow traces were not analysed (limits: "
          + Diagnosis.MAX_SPANS_PER_TRACE + " spans per trace, " + Diagnosis.MAX_KEPT_SPANS + " in all).");
    }
  }

  private static void writeSlowRoute(Diagnosis d, SlowRequests slow, PrintWriter out) {
    RouteStats route = slow.route;
    long fastest = slow.requests.get(slow.requests.size() - 1).durationNanos();
    long slowest = slow.requests.get(0).durationNanos();
    out.println("SLOWEST REQUESTS OF " + slow.routeName + ": " + slow.scope() + ", " + slow.requests.size() + " of "
        + route.count() + " requests, " + (fastest == slowest ? Durations.format(slowest)
        : Durations.format(fastest) + " to " + Durations.format(slowest)));
    out.println("  Where the time went:");
    TextTable table = new TextTable("OPERATION", ">CALLS", ">TIME", ">SHARE");
    for (Map.Entry<Operation, Double> e : slow.nanos.entrySet()) {
      table.row(e.getKey().label(), Long.toString(slow.calls.getOrDefault(e.getKey(), 0L)),
          Durations.format(e.getValue()), percent(slow.share(e.getKey())));
    }
    table.print(out, "    ");
    double downstream = slow.downstreamShare();
    double pool = slow.totalNanos == 0 ? 0 : slow.poolWaitNanos() / slow.totalNanos;
    out.println("  Downstream calls " + percent(downstream) + ", in-process " + percent(Math.max(0, 1 - downstream - pool))
        + (pool > 0 ? ", pool waits " + percent(pool) : "") + ".");
    if (slow.httpServers.isEmpty()) {
      out.println("  Retries: no HTTP client calls in these requests.");
    } else {
      out.println("  Retries:");
      TextTable retries = new TextTable("SERVER ADDRESS", ">CALLS", ">MAX PER REQUEST", ">FAILED", ">TIMED OUT",
          ">MAX RETRIES", ">REQUESTS RETRYING");
      for (SlowRequests.CallStats c : slow.httpServers.values()) {
        retries.row(c.serverAddress, Long.toString(c.calls), Integer.toString(c.maxCallsPerRequest),
            Long.toString(c.errors), Long.toString(c.timeouts),
            Integer.toString(c.maxRetries), Long.toString(c.requestsRetried));
      }
      retries.print(out, "    ");
    }
    out.println("  Pool waits: " + poolWaits(d, slow));
    out.println("  Top cause: " + slow.cause());
    out.println("  Example traces: " + String.join(", ", slow.exampleTraceIds()));
  }

  static String poolWaits(Diagnosis d, SlowRequests slow) {
    if (slow.poolWaitCalls() > 0) {
      return Durations.format(slow.poolWaitNanos()) + " in " + SlowRequests.count(slow.poolWaitCalls(), "wait")
          + " for a connection (" + SlowRequests.percent(slow.poolWaitNanos() / Math.max(1, slow.totalNanos))
          + " of the time).";
    }
    if (!d.pools.isEmpty()) {
      return "not visible in spans; see CONNECTION POOLS (from the " + PoolMetrics.WAIT_TIME + " and "
          + PoolMetrics.PENDING + " metrics).";
    }
    return "not visible in spans, and the file has no " + PoolMetrics.WAIT_TIME + " or pending_requests metrics"
        + " (otel.metrics.exporter=otlp-file exports them).";
  }

  /** What the failed requests of each route failed with: its most common error.type. */
  private static void writeErrors(Diagnosis d, PrintWriter out) {
    TextTable errors = new TextTable("ROUTE", ">ERRORS", "MOST COMMON ERROR (error.type)");
    boolean any = false;
    for (RouteStats r : d.routes) {
      Map.Entry<String, Long> top = r.topErrorType();
      if (top != null) {
        any = true;
        errors.row((d.severalServices ? r.service + " " : "") + r.route, Long.toString(r.errors()),
            top.getKey() + " (" + top.getValue() + " of " + r.errors() + ")");
      }
    }
    if (any) {
      out.println();
      out.println("FAILED REQUESTS BY ROUTE");
      errors.print(out, "  ");
    }
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  private static String number(double value) {
    if (value < 0) {
      return "-";
    }
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
  }
}
