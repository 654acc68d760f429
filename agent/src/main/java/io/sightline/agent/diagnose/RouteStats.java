package io.sightline.agent.diagnose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The requests (SERVER spans) of one route of one service: every duration, for exact
 * percentiles (8 bytes a request), and the {@link #SLOWEST_KEPT} slowest requests' ids.
 */
final class RouteStats {
  /** At most this many of a route's slowest requests are analysed. */
  static final int SLOWEST_KEPT = 100;

  /** The slowest requests in {@code k}-th order: by duration, then first seen. */
  static final Comparator<Request> SLOWEST_FIRST =
      Comparator.comparingLong((Request r) -> r.durationNanos).reversed().thenComparingLong(r -> r.sequence);

  final String service;
  final String route;
  private long[] durations = new long[64];
  private int count;
  private long errors;
  /** The failed requests by {@code error.type} (an exception class or a status code). */
  private final Map<String, Long> errorTypes = new HashMap<>();
  private boolean sorted;
  private final PriorityQueue<Request> slowest = new PriorityQueue<>(SLOWEST_FIRST.reversed());

  RouteStats(String service, String route) {
    this.service = service;
    this.route = route;
  }

  /** One request of the route. */
  static final class Request {
    final String traceId;
    final String spanId;
    final long durationNanos;
    final boolean error;
    final long sequence;
    final RouteStats route;

    Request(String traceId, String spanId, long durationNanos, boolean error, long sequence, RouteStats route) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.durationNanos = durationNanos;
      this.error = error;
      this.sequence = sequence;
      this.route = route;
    }
  }

  void add(SpanData span, long sequence) {
    long duration = span.durationNanos();
    if (count == durations.length) {
      durations = Arrays.copyOf(durations, count * 2);
    }
    durations[count++] = duration;
    sorted = false;
    if (span.error) {
      errors++;
      String type = span.attribute("error.type");
      if (type != null) {
        errorTypes.merge(type, 1L, Long::sum);
      }
    }
    if (slowest.size() < SLOWEST_KEPT || duration > slowest.peek().durationNanos) {
      slowest.add(new Request(span.traceId, span.spanId, duration, span.error, sequence, this));
      if (slowest.size() > SLOWEST_KEPT) {
        slowest.poll();
      }
    }
  }

  long count() {
    return count;
  }

  long errors() {
    return errors;
  }

  /**
   * The most common {@code error.type} of the route's failed requests and how many had it; null
   * when none failed or none said why.
   */
  Map.Entry<String, Long> topErrorType() {
    Map.Entry<String, Long> top = null;
    for (Map.Entry<String, Long> type : errorTypes.entrySet()) {
      if (top == null || type.getValue() > top.getValue()
          || (type.getValue().equals(top.getValue()) && type.getKey().compareTo(top.getKey()) < 0)) {
        top = type;
      }
    }
    return top;
  }

  double errorRate() {
    return count == 0 ? 0 : (double) errors / count;
  }

  /** Nearest-rank percentile: the smallest duration with at least {@code p}% of requests at or below it. */
  long percentile(double p) {
    if (count == 0) {
      return 0;
    }
    if (!sorted) {
      Arrays.sort(durations, 0, count);
      sorted = true;
    }
    int rank = (int) Math.ceil(p / 100.0 * count);
    return durations[Math.max(1, Math.min(count, rank)) - 1];
  }

  long max() {
    return percentile(100);
  }

  /** How many of the slowest requests make the slowest 1% (at least one). */
  int slowestOnePercent() {
    return Math.max(1, (count + 99) / 100);
  }

  /** The slowest 1% (at most {@link #SLOWEST_KEPT}), slowest first. */
  List<Request> slowestRequests() {
    return slowestRequests(Math.min(SLOWEST_KEPT, slowestOnePercent()));
  }

  /** The {@code n} slowest requests ({@code n <= SLOWEST_KEPT}), slowest first. */
  List<Request> slowestRequests(int n) {
    List<Request> all = new ArrayList<>(slowest);
    all.sort(SLOWEST_FIRST);
    return all.subList(0, Math.min(n, all.size()));
  }
}
