package io.sightline.instrumentation.javahttpclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class PropagatingRequestTest {
  private static final URI URI_ = URI.create("http://127.0.0.1:1/orders?id=7");

  @Test
  void keepsEverythingButAddsAndReplacesThePropagationHeaders() {
    HttpRequest original = HttpRequest.newBuilder(URI_)
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .timeout(Duration.ofSeconds(3))
        .version(HttpClient.Version.HTTP_1_1)
        .expectContinue(true)
        .header("Accept", "application/json")
        .header("X-Many", "a")
        .header("X-Many", "b")
        .header("TraceParent", "00-stale-value") // the application's own, replaced
        .build();

    HttpRequest sent = PropagatingRequest.of(original,
        Arrays.asList("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "baggage", "k=v"));

    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.uri()).isEqualTo(URI_);
    assertThat(sent.bodyPublisher()).isSameAs(original.bodyPublisher());
    assertThat(sent.timeout()).contains(Duration.ofSeconds(3));
    assertThat(sent.version()).contains(HttpClient.Version.HTTP_1_1);
    assertThat(sent.expectContinue()).isTrue();
    Map<String, List<String>> headers = sent.headers().map();
    assertThat(headers).hasSize(4);
    assertThat(sent.headers().allValues("accept")).containsExactly("application/json");
    assertThat(sent.headers().allValues("x-many")).containsExactly("a", "b");
    assertThat(sent.headers().allValues("traceparent"))
        .containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(sent.headers().allValues("baggage")).containsExactly("k=v");
    assertThat(sent).isEqualTo(HttpRequest.newBuilder(URI_).POST(HttpRequest.BodyPublishers.noBody())
        .header("Accept", "application/json").header("X-Many", "a").header("X-Many", "b")
        .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .header("baggage", "k=v").build());
  }

  @Test
  void aValueTheClientWouldRefuseIsLeftOutAndWithNothingLeftTheRequestIsTheApplications() {
    HttpRequest original = HttpRequest.newBuilder(URI_).GET().build();

    assertThat(PropagatingRequest.of(original, Arrays.asList("baggage", "k=v\r\nX-Injected: 1")))
        .isSameAs(original);
    HttpRequest sent = PropagatingRequest.of(original,
        Arrays.asList("baggage", "k=\u00e9", "traceparent", "00-a-b-01"));
    assertThat(sent.headers().map()).containsOnlyKeys("traceparent");
  }

  @Test
  void theJdkClientSendsItWithItsBodyAndHeaders() throws Exception {
    Map<String, String> seen = new ConcurrentHashMap<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      seen.put("method", exchange.getRequestMethod());
      seen.put("traceparent", String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
      seen.put("accept", String.valueOf(exchange.getRequestHeaders().getFirst("Accept")));
      seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/orders");
      HttpRequest original = HttpRequest.newBuilder(uri).header("Accept", "text/plain")
          .PUT(HttpRequest.BodyPublishers.ofString("payload")).build();
      HttpRequest sent = PropagatingRequest.of(original,
          Arrays.asList("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

      HttpResponse<Void> response = HttpClient.newHttpClient().send(sent, HttpResponse.BodyHandlers.discarding());

      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(seen).containsEntry("method", "PUT").containsEntry("body", "payload")
          .containsEntry("accept", "text/plain")
          .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    } finally {
      server.stop(0);
    }
  }
}
