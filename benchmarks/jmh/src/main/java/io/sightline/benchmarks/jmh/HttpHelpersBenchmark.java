package io.sightline.benchmarks.jmh;

import io.sightline.instrumentation.http.QueryRedactor;
import io.sightline.instrumentation.http.RouteNormalizer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Per-request string work of the HTTP server path: route normalisation and query redaction. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HttpHelpersBenchmark {
  public String staticPath = "/api/orders/recent";
  public String idPath = "/api/users/12345/orders/3f2b8c1e-9d4a-4e6b-8f7a-2c1d0e9b8a7f";
  public String plainQuery = "page=2&size=50&sort=name";
  public String secretQuery = "user=alice&password=hunter2&AWSAccessKeyId=AKIA123&page=2";
  private final QueryRedactor redactor = new QueryRedactor(List.of("password", "token", "AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature"));

  @Benchmark
  public String routeNormalizerNoIds() {
    return RouteNormalizer.normalize(staticPath);
  }

  @Benchmark
  public String routeNormalizerWithIds() {
    return RouteNormalizer.normalize(idPath);
  }

  @Benchmark
  public String queryRedactorNothingToRedact() {
    return redactor.redact(plainQuery);
  }

  @Benchmark
  public String queryRedactorSecrets() {
    return redactor.redact(secretQuery);
  }
}
