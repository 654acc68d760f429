package io.sightline.agent.diagnose;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The diagnosis of one file, in two streaming passes.
 *
 * <ol>
 *   <li>Every SERVER span is a request: its route's count, errors and duration (for exact
 *       percentiles), and the route's {@value RouteStats#SLOWEST_KEPT} slowest requests' ids.
 *       Connection-pool metrics are read too.
 *   <li>The spans of the traces of the requests to analyse (the slowest 1% of the
 *       {@value #DETAILED_ROUTES} routes with the most slow time, and the slowest
 *       {@value #SLOWEST_OVERALL} requests overall) are kept and broken down.
 * </ol>
 *
 * A second pass because a trace's spans come in any order and over many lines (children usually
 * end, and are exported, before their SERVER span), so a trace is known to be slow only after
 * its spans went by.
 */
final class Diagnosis {
  /** Routes beyond this many are counted together, so that memory stays bounded. */
  static final int MAX_ROUTES = 10_000;
  static final String OTHER_ROUTES = "(other routes)";
  static final int DETAILED_ROUTES = 10;
  static final int SLOWEST_OVERALL = 5;
  /** Spans of slow traces kept in the second pass, in all and per trace. */
  static final int MAX_KEPT_SPANS = 200_000;
  static final int MAX_SPANS_PER_TRACE = 5_000;

  final Path file;
  OtlpJsonLines.Summary summary;
  /** Slowest p99 first. */
  final List<RouteStats> routes = new ArrayList<>();
  boolean severalServices;
  /** Most slow time first; the first one's cause is the top cause. */
  final List<SlowRequests> slowRoutes = new ArrayList<>();
  final List<RequestBreakdown> slowestOverall = new ArrayList<>();
  final PoolMetrics pools = new PoolMetrics();
  long droppedSpans;

  private Diagnosis(Path file) {
    this.file = file;
  }

  SlowRequests topCause() {
    return slowRoutes.isEmpty() ? null : slowRoutes.get(0);
  }

  String routeName(RouteStats route) {
    return severalServices ? route.service + ": " + route.route : route.route;
  }

  static Diagnosis of(Path file) throws IOException {
    Diagnosis diagnosis = new Diagnosis(file);
    Map<String, RouteStats> routes = new HashMap<>();
    Set<String> services = new HashSet<>();
    long[] sequence = {0};
    diagnosis.summary = OtlpJsonLines.read(file, true, new OtlpJsonLines.Listener() {
      @Override
      public void span(SpanData span) {
        if (span.kind != SpanData.SERVER) {
          return;
        }
        services.add(span.service);
        String route = route(span);
        String key = span.service + '\u0000' + route;
        RouteStats stats = routes.get(key);
        if (stats == null) {
          if (routes.size() >= MAX_ROUTES) {
            route = OTHER_ROUTES;
            key = span.service + '\u0000' + route;
          }
          String name = route;
          stats = routes.computeIfAbsent(key, k -> new RouteStats(span.service, name));
        }
        stats.add(span, sequence[0]++);
      }

      @Override
      public void metric(MetricPoint point) {
        diagnosis.pools.add(point);
      }
    });
    diagnosis.severalServices = services.size() > 1;
    diagnosis.routes.addAll(routes.values());
    diagnosis.routes.sort(Comparator.comparingLong((RouteStats r) -> r.percentile(99)).reversed()
        .thenComparing(r -> r.service).thenComparing(r -> r.route));
    diagnosis.analyseSlowRequests();
    return diagnosis;
  }

  /** {@code METHOD http.route} when the span has a route, else the span name. */
  static String route(SpanData span) {
    String route = span.attribute("http.route");
    if (route == null || route.isEmpty()) {
      return span.name;
    }
    String method = span.attribute("http.request.method");
    return method == null || method.isEmpty() ? route : method + " " + route;
  }

  private void analyseSlowRequests() throws IOException {
    // Which routes get a section: the most slow time (the sum of their slowest 1%) first.
    List<RouteStats> byImpact = new ArrayList<>(routes);
    Map<RouteStats, Long> impact = new IdentityHashMap<>();
    for (RouteStats route : routes) {
      long sum = 0;
      for (RouteStats.Request request : route.slowestRequests()) {
        sum += request.durationNanos;
      }
      impact.put(route, sum);
    }
    byImpact.sort(Comparator.comparingLong((RouteStats r) -> impact.get(r)).reversed()
        .thenComparing(r -> r.service).thenComparing(r -> r.route));
    List<RouteStats> detailed = byImpact.subList(0, Math.min(DETAILED_ROUTES, byImpact.size()));

    List<RouteStats.Request> overall = new ArrayList<>();
    for (RouteStats route : routes) {
      overall.addAll(route.slowestRequests(SLOWEST_OVERALL));
    }
    overall.sort(RouteStats.SLOWEST_FIRST);
    overall = overall.subList(0, Math.min(SLOWEST_OVERALL, overall.size()));

    Map<String, List<SpanData>> traces = new HashMap<>();
    for (RouteStats route : detailed) {
      for (RouteStats.Request request : route.slowestRequests()) {
        traces.put(request.traceId, new ArrayList<>());
      }
    }
    for (RouteStats.Request request : overall) {
      traces.put(request.traceId, new ArrayList<>());
    }
    if (traces.isEmpty()) {
      return;
    }
    long[] kept = {0};
    OtlpJsonLines.read(file, false, traces::containsKey, span -> {
      List<SpanData> trace = traces.get(span.traceId);
      if (kept[0] >= MAX_KEPT_SPANS || trace.size() >= MAX_SPANS_PER_TRACE) {
        droppedSpans++;
        return;
      }
      kept[0]++;
      trace.add(span);
    });

    Map<String, Map<String, List<SpanData>>> childrenByTrace = new HashMap<>();
    Map<RouteStats.Request, RequestBreakdown> breakdowns = new IdentityHashMap<>();
    java.util.function.Function<RouteStats.Request, RequestBreakdown> breakdown = request ->
        breakdowns.computeIfAbsent(request, r -> {
          Map<String, List<SpanData>> children = childrenByTrace.computeIfAbsent(r.traceId, t -> children(traces.get(t)));
          SpanData root = null;
          for (SpanData span : traces.get(r.traceId)) {
            if (span.kind == SpanData.SERVER && span.spanId.equals(r.spanId)) {
              root = span;
              break;
            }
          }
          return root == null ? null : RequestBreakdown.of(root, routeName(r.route), children);
        });

    for (RouteStats route : detailed) {
      List<RequestBreakdown> list = new ArrayList<>();
      for (RouteStats.Request request : route.slowestRequests()) {
        RequestBreakdown b = breakdown.apply(request);
        if (b != null) {
          list.add(b);
        }
      }
      if (!list.isEmpty()) {
        slowRoutes.add(new SlowRequests(route, routeName(route), list));
      }
    }
    for (RouteStats.Request request : overall) {
      RequestBreakdown b = breakdown.apply(request);
      if (b != null) {
        slowestOverall.add(b);
      }
    }
  }

  private static Map<String, List<SpanData>> children(List<SpanData> spans) {
    Map<String, List<SpanData>> children = new LinkedHashMap<>();
    for (SpanData span : spans) {
      if (!span.parentSpanId.isEmpty()) {
        children.computeIfAbsent(span.parentSpanId, k -> new ArrayList<>()).add(span);
      }
    }
    return children;
  }
}
