package io.sightline.agent.diagnose;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Where the time of a route's slowest requests went, summed over those requests, and the top cause. */
final class SlowRequests {
  final RouteStats route;
  /** The route as the report names it (with the service when the file has several). */
  final String routeName;
  /** Slowest first. */
  final List<RequestBreakdown> requests;
  final long totalNanos;
  /** By operation, most time first. */
  final Map<Operation, Double> nanos;
  final Map<Operation, Long> calls = new HashMap<>();
  final Map<Operation, Integer> maxCallsPerRequest = new HashMap<>();
  /** HTTP client calls by server address. */
  final Map<String, CallStats> httpServers = new TreeMap<>();

  /** The calls of the slowest requests to one server. */
  static final class CallStats {
    final String serverAddress;
    long calls;
    int maxCallsPerRequest;
    long errors;
    long timeouts;
    int maxRetries;
    long requestsRetried;
    final List<Long> timeoutNanos = new ArrayList<>();

    CallStats(String serverAddress) {
      this.serverAddress = serverAddress;
    }

    /** The median duration of the calls that timed out (the timeout setting, usually). */
    long medianTimeoutNanos() {
      if (timeoutNanos.isEmpty()) {
        return 0;
      }
      List<Long> sorted = new ArrayList<>(timeoutNanos);
      Collections.sort(sorted);
      return sorted.get((sorted.size() - 1) / 2);
    }
  }

  SlowRequests(RouteStats route, String routeName, List<RequestBreakdown> requests) {
    this.route = route;
    this.routeName = routeName;
    this.requests = requests;
    long total = 0;
    Map<Operation, Double> sum = new HashMap<>();
    for (RequestBreakdown request : requests) {
      total += request.durationNanos();
      request.nanos.forEach((op, n) -> sum.merge(op, n, Double::sum));
      request.calls.forEach((op, n) -> {
        calls.merge(op, (long) n, Long::sum);
        maxCallsPerRequest.merge(op, n, Math::max);
      });
      for (Map.Entry<String, List<SpanData>> e : request.httpCalls.entrySet()) {
        CallStats stats = httpServers.computeIfAbsent(e.getKey(), CallStats::new);
        for (SpanData call : e.getValue()) {
          stats.calls++;
          if (call.failed()) {
            stats.errors++;
          }
          if (call.timedOut()) {
            stats.timeouts++;
            stats.timeoutNanos.add(call.durationNanos());
          }
        }
        stats.maxCallsPerRequest = Math.max(stats.maxCallsPerRequest, e.getValue().size());
        int retries = request.retries(e.getKey());
        stats.maxRetries = Math.max(stats.maxRetries, retries);
        if (retries > 0) {
          stats.requestsRetried++;
        }
      }
    }
    this.totalNanos = total;
    List<Map.Entry<Operation, Double>> entries = new ArrayList<>(sum.entrySet());
    entries.sort((a, b) -> {
      int byTime = Double.compare(b.getValue(), a.getValue());
      return byTime != 0 ? byTime : a.getKey().compareTo(b.getKey());
    });
    this.nanos = new java.util.LinkedHashMap<>();
    for (Map.Entry<Operation, Double> e : entries) {
      nanos.put(e.getKey(), e.getValue());
    }
  }

  /** Sum of the durations of these requests: how much slow time the route accounts for. */
  long impactNanos() {
    return totalNanos;
  }

  double share(Operation operation) {
    return totalNanos == 0 ? 0 : nanos.getOrDefault(operation, 0.0) / totalNanos;
  }

  /** Share of the time spent in outgoing calls (HTTP, database, other clients, traced servers). */
  double downstreamShare() {
    double sum = 0;
    for (Map.Entry<Operation, Double> e : nanos.entrySet()) {
      if (e.getKey().type.downstream) {
        sum += e.getValue();
      }
    }
    return totalNanos == 0 ? 0 : sum / totalNanos;
  }

  /** Time in pool-wait spans. */
  double poolWaitNanos() {
    double sum = 0;
    for (Map.Entry<Operation, Double> e : nanos.entrySet()) {
      if (e.getKey().type == Operation.Type.POOL) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  long poolWaitCalls() {
    long sum = 0;
    for (Map.Entry<Operation, Long> e : calls.entrySet()) {
      if (e.getKey().type == Operation.Type.POOL) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  Operation top() {
    return nanos.isEmpty() ? null : nanos.keySet().iterator().next();
  }

  /** "the slowest 1%", "the slowest request" or "the slowest 100 requests". */
  String scope() {
    int n = requests.size();
    if (n == 1) {
      return "the slowest request";
    }
    return n == route.slowestOnePercent() ? "the slowest 1%" : "the slowest " + n + " requests";
  }

  /** Up to three of the slowest requests' trace ids, among those where the top cause took time. */
  List<String> exampleTraceIds() {
    Operation top = top();
    List<String> ids = new ArrayList<>();
    for (RequestBreakdown request : requests) {
      if (ids.size() < 3 && (top == null || request.nanos(top) > 0) && !ids.contains(request.root.traceId)) {
        ids.add(request.root.traceId);
      }
    }
    return ids;
  }

  /** The top cause in one sentence. */
  String cause() {
    Operation top = top();
    String in = "In " + scope() + " of " + routeName + ", ";
    if (top == null || totalNanos == 0) {
      return in + "the spans record no time.";
    }
    String share = percent(share(top));
    long n = calls.getOrDefault(top, 0L);
    switch (top.type) {
      case SELF:
        return in + share + " of the time is spent in " + routeName + " itself, outside any child span"
            + " (its own code: CPU, locks, sleeps, or calls that are not traced).";
      case INTERNAL:
        return in + share + " of the time is spent in the internal operation " + top.name + " (its own code, "
            + count(n, "span") + ").";
      case HTTP:
        return in + share + " of the time is spent in HTTP calls to " + top.name + " (" + httpDetails(top.name) + ").";
      case DB:
        return in + share + " of the time is spent in " + top.name + " database calls (" + count(n, "call")
            + ", up to " + maxCallsPerRequest.getOrDefault(top, 0) + " per request).";
      case POOL:
        return in + share + " of the time is spent waiting for a connection from " + top.name + " ("
            + count(n, "wait") + ").";
      case CLIENT:
        return in + share + " of the time is spent in calls to " + top.name + " (" + count(n, "call") + ").";
      default:
        return in + share + " of the time is spent in " + top.name + " (" + count(n, "span") + ").";
    }
  }

  private String httpDetails(String serverAddress) {
    CallStats stats = httpServers.get(serverAddress);
    if (stats == null) {
      return "no calls";
    }
    List<String> parts = new ArrayList<>();
    if (stats.timeouts > 0) {
      parts.add(stats.timeouts + " of " + stats.calls + " timed out after " + Durations.format(stats.medianTimeoutNanos()));
    } else if (stats.errors > 0) {
      parts.add(stats.errors + " of " + stats.calls + " failed");
    } else {
      parts.add(count(stats.calls, "call") + (stats.maxCallsPerRequest > 1 ? ", up to " + stats.maxCallsPerRequest
          + " per request" : ""));
    }
    if (stats.maxRetries > 0) {
      parts.add("retried up to " + count(stats.maxRetries, "time"));
    }
    return String.join(", ", parts);
  }

  static String percent(double share) {
    double p = share * 100;
    if (p > 0 && p < 1) {
      return "<1%";
    }
    return String.format(Locale.ROOT, "%.0f%%", p);
  }

  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
