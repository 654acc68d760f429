package io.sightline.agent.diagnose;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the time of one request (a SERVER span and the spans under it) went.
 *
 * <p>Every instant of the request is given to what was running then: an outgoing call (a leaf:
 * everything under it counts as that call), else the innermost internal span, else the request's
 * own code. Children are clipped to their parent. While several calls run in parallel, the
 * instant is shared equally between them, so the parts always add up to the request's duration.
 */
final class RequestBreakdown {
  final SpanData root;
  final String route;
  final Map<Operation, Double> nanos = new HashMap<>();
  final Map<Operation, Integer> calls = new HashMap<>();
  /** HTTP client calls by server address, in start order. */
  final Map<String, List<SpanData>> httpCalls = new LinkedHashMap<>();

  private RequestBreakdown(SpanData root, String route) {
    this.root = root;
    this.route = route;
  }

  long durationNanos() {
    return root.durationNanos();
  }

  double nanos(Operation operation) {
    return nanos.getOrDefault(operation, 0.0);
  }

  /** The operation with the most time (ties: the first in {@link Operation} order). */
  Operation top() {
    Operation top = null;
    double best = -1;
    for (Map.Entry<Operation, Double> e : new java.util.TreeMap<>(nanos).entrySet()) {
      if (e.getValue() > best) {
        best = e.getValue();
        top = e.getKey();
      }
    }
    return top;
  }

  /**
   * How often the request retried calls to a server: the highest {@code http.request.resend_count}
   * the calls carry, or, when they carry none, the number of calls made after an earlier call
   * with the same span name to the same server had failed.
   */
  int retries(String serverAddress) {
    List<SpanData> list = httpCalls.getOrDefault(serverAddress, List.of());
    int resends = 0;
    int afterFailure = 0;
    for (int i = 0; i < list.size(); i++) {
      SpanData call = list.get(i);
      resends = Math.max(resends, resendCount(call));
      for (int j = 0; j < i; j++) {
        SpanData earlier = list.get(j);
        if (earlier.failed() && earlier.name.equals(call.name) && earlier.startNanos <= call.startNanos) {
          afterFailure++;
          break;
        }
      }
    }
    return Math.max(resends, afterFailure);
  }

  private static int resendCount(SpanData span) {
    String value = span.attribute("http.request.resend_count");
    if (value == null) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** {@code children}: the trace's spans by parent span id. */
  static RequestBreakdown of(SpanData root, String route, Map<String, List<SpanData>> children) {
    RequestBreakdown breakdown = new RequestBreakdown(root, route);
    Timeline timeline = new Timeline();
    Set<String> visited = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(root, root.startNanos, root.endNanos, Operation.self(route)));
    visited.add(root.spanId);
    while (!stack.isEmpty()) {
      Frame frame = stack.pop();
      SpanData span = frame.span;
      Operation operation = frame.operation;
      breakdown.calls.merge(operation, 1, Integer::sum);
      if (operation.type == Operation.Type.HTTP) {
        breakdown.httpCalls.computeIfAbsent(operation.name, k -> new ArrayList<>()).add(span);
      }
      long start = Math.max(span.startNanos, frame.clipStart);
      long end = Math.min(span.endNanos, frame.clipEnd);
      if (operation.isLeaf()) {
        timeline.add(start, end, operation);
        continue;
      }
      List<long[]> covered = new ArrayList<>();
      for (SpanData child : children.getOrDefault(span.spanId, List.of())) {
        if (!visited.add(child.spanId)) {
          continue; // a span listed twice, or a cycle in malformed parent links
        }
        stack.push(new Frame(child, start, end, Operation.of(child)));
        long childStart = Math.max(child.startNanos, start);
        long childEnd = Math.min(child.endNanos, end);
        if (childEnd > childStart) {
          covered.add(new long[] {childStart, childEnd});
        }
      }
      covered.sort(Comparator.comparingLong(a -> a[0]));
      long cursor = start;
      for (long[] interval : covered) {
        if (interval[0] > cursor) {
          timeline.add(cursor, interval[0], operation);
        }
        cursor = Math.max(cursor, interval[1]);
      }
      if (end > cursor) {
        timeline.add(cursor, end, operation);
      }
    }
    timeline.share(breakdown.nanos);
    for (List<SpanData> list : breakdown.httpCalls.values()) {
      list.sort(Comparator.comparingLong(s -> s.startNanos));
    }
    return breakdown;
  }

  private static final class Frame {
    final SpanData span;
    final long clipStart;
    final long clipEnd;
    final Operation operation;

    Frame(SpanData span, long clipStart, long clipEnd, Operation operation) {
      this.span = span;
      this.clipStart = clipStart;
      this.clipEnd = clipEnd;
      this.operation = operation;
    }
  }

  /** Intervals labelled with operations; shares each instant equally among the intervals covering it. */
  private static final class Timeline {
    private final List<Operation> operations = new ArrayList<>();
    private final Map<Operation, Integer> index = new HashMap<>();
    private long[] events = new long[16];
    private int[] eventOperations = new int[16];
    private int size;

    void add(long start, long end, Operation operation) {
      if (end <= start) {
        return;
      }
      int op = index.computeIfAbsent(operation, o -> {
        operations.add(o);
        return operations.size() - 1;
      });
      if (size + 2 > events.length) {
        events = Arrays.copyOf(events, events.length * 2);
        eventOperations = Arrays.copyOf(eventOperations, events.length);
      }
      events[size] = start;
      eventOperations[size++] = op + 1; // +op+1: starts; -(op+1): ends
      events[size] = end;
      eventOperations[size++] = -(op + 1);
    }

    void share(Map<Operation, Double> into) {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingLong(i -> events[i]));
      int[] active = new int[operations.size()];
      double[] nanos = new double[operations.size()];
      int activeTotal = 0;
      long previous = 0;
      for (int k = 0; k < size; k++) {
        int e = order[k];
        long time = events[e];
        if (activeTotal > 0 && time > previous) {
          double perInterval = (double) (time - previous) / activeTotal;
          for (int op = 0; op < active.length; op++) {
            if (active[op] > 0) {
              nanos[op] += perInterval * active[op];
            }
          }
        }
        previous = time;
        int op = eventOperations[e];
        if (op > 0) {
          active[op - 1]++;
          activeTotal++;
        } else {
          active[-op - 1]--;
          activeTotal--;
        }
      }
      for (int op = 0; op < nanos.length; op++) {
        into.merge(operations.get(op), nanos[op], Double::sum);
      }
    }
  }
}
