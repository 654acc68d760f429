package io.sightline.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Parsing what wrk --latency and the shell's {@code times} print. */
class WrkTest {

  @Test
  void parsesThroughputPercentilesFailuresAndTheLoadGeneratorsCpu() {
    String output = String.join("\n",
        "Running 20s test @ http://127.0.0.1:40001/work",
        "  2 threads and 16 connections",
        "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
        "    Latency     1.12ms  631.20us  28.41ms   87.21%",
        "  Latency Distribution",
        "     50%    1.01ms",
        "     75%    1.30ms",
        "     90%    1.80ms",
        "     99%    3.47ms",
        "  282310 requests in 20.01s, 38.77MB read",
        "  Non-2xx or 3xx responses: 2",
        "  Socket errors: connect 0, read 1, write 0, timeout 3",
        "Requests/sec:  14108.45",
        "0m0.003s 0m0.001s",
        "0m2.250s 1m1.500s");

    Wrk.Result result = Wrk.parse(output);

    assertEquals(282310, result.requests());
    assertEquals(20.01, result.seconds(), 1e-9);
    assertEquals(1010, result.p50(), 1e-9);
    assertEquals(3470, result.p99(), 1e-9);
    assertEquals(6, result.failures());
    assertEquals(63.75e6, result.cpuMicros(), 1e-3); // the children's line: 2.25 s user + 61.5 s system
  }
}
