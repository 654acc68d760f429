package io.sightline.testapps.httpclients;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.util.Timeout;

/**
 * Makes outgoing HTTP calls on request: {@code GET /call?client=C&url=U[&retries=N][&timeoutMs=T]
 * [&then=U2]}. Clients: {@code jdk}, {@code jdk-async}, {@code urlconnection}, {@code apache5},
 * {@code apache5-async}, {@code apache4}, {@code okhttp}, {@code okhttp-async}. A failed attempt (exception or status
 * of 500 and above) is retried by this code up to {@code retries} times. With {@code then}, the
 * async clients' completion callback makes one more (synchronous, JDK) call to that URL. The
 * response lists one line per attempt: {@code status=N} or {@code exception=Class: message}.
 */
public final class HttpClientsApp {
  private static final java.net.http.HttpClient JDK = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
  private static final OkHttpClient OKHTTP = new OkHttpClient();
  private static final CloseableHttpClient APACHE5 = HttpClients.custom().disableAutomaticRetries().build();
  private static final org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient APACHE5_ASYNC =
      org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom().disableAutomaticRetries().build();
  private static final org.apache.http.impl.client.CloseableHttpClient APACHE4 =
      org.apache.http.impl.client.HttpClients.custom().disableAutomaticRetries().build();

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getProperty("app.port", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
    APACHE5_ASYNC.start();
    server.createContext("/call", HttpClientsApp::call);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
    System.out.println("READY port=" + server.getAddress().getPort());
  }

  private static void call(HttpExchange exchange) throws IOException {
    Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
    String client = query.getOrDefault("client", "jdk");
    String url = query.get("url");
    int retries = Integer.parseInt(query.getOrDefault("retries", "0"));
    int timeoutMs = Integer.parseInt(query.getOrDefault("timeoutMs", "5000"));
    String then = query.get("then");
    String postBody = query.get("post");
    List<String> lines = new ArrayList<>();
    for (int attempt = 0; attempt <= retries; attempt++) {
      String outcome;
      try {
        int status = postBody != null ? post(client, url, postBody) : once(client, url, timeoutMs, then);
        outcome = "status=" + status;
        lines.add(outcome);
        if (status < 500) {
          break;
        }
      } catch (Exception e) {
        lines.add("exception=" + e.getClass().getName() + ": " + e.getMessage());
      }
    }
    byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static int once(String client, String url, int timeoutMs, String then) throws Exception {
    switch (client) {
      case "jdk":
        return JDK.send(jdkRequest(url, timeoutMs), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
      case "jdk-async":
        return jdkAsync(url, timeoutMs, then);
      case "urlconnection":
        return urlConnection(url, timeoutMs);
      case "apache5":
        return apache5(url, timeoutMs);
      case "apache5-async":
        return apache5Async(url, timeoutMs, then);
      case "apache4":
        return apache4(url, timeoutMs);
      case "okhttp":
        try (Response response = okhttp(timeoutMs).newCall(new Request.Builder().url(url).build()).execute()) {
          response.body().string();
          return response.code();
        }
      case "okhttp-async":
        return okhttpAsync(url, timeoutMs, then);
      default:
        throw new IllegalArgumentException("unknown client " + client);
    }
  }

  /**
   * A POST with a body and a custom header: {@code jdk} or {@code urlconnection} (connect, then
   * stream the body), or {@code urlconnection-implicit} (no method set: {@code getOutputStream} makes
   * the GET a POST, as much code relies on).
   */
  private static int post(String client, String url, String body) throws Exception {
    if (client.equals("jdk")) {
      java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(url))
          .header("X-Custom", "kept")
          .header("Content-Type", "text/plain")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
          .build();
      return JDK.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
    }
    HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
    boolean implicit = client.equals("urlconnection-implicit");
    if (!implicit) {
      connection.setRequestMethod("POST");
    }
    connection.setDoOutput(true);
    connection.setRequestProperty("X-Custom", "kept");
    connection.setRequestProperty("Content-Type", "text/plain");
    if (!implicit) {
      connection.connect();
    }
    try (OutputStream out = connection.getOutputStream()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
    }
    int code = connection.getResponseCode();
    connection.getInputStream().readAllBytes();
    connection.disconnect();
    return code;
  }

  private static java.net.http.HttpRequest jdkRequest(String url, int timeoutMs) {
    return java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs)).GET().build();
  }

  private static int jdkAsync(String url, int timeoutMs, String then) throws Exception {
    CompletableFuture<Integer> result = JDK.sendAsync(jdkRequest(url, timeoutMs), java.net.http.HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> {
          if (then != null) {
            thenCall(then);
          }
          return response.statusCode();
        });
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** The follow-up call a completion callback makes (to prove it runs in the caller's context). */
  private static void thenCall(String url) {
    try {
      JDK.send(jdkRequest(url, 5000), java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int urlConnection(String url, int timeoutMs) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
    connection.setConnectTimeout(timeoutMs);
    connection.setReadTimeout(timeoutMs);
    try {
      int code = connection.getResponseCode();
      InputStream body = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
      if (body != null) {
        body.readAllBytes();
        body.close();
      }
      return code;
    } finally {
      connection.disconnect();
    }
  }

  private static int apache5(String url, int timeoutMs) throws IOException {
    HttpGet get = new HttpGet(url);
    get.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofMilliseconds(timeoutMs)).build());
    return APACHE5.execute(get, response -> {
      if (response.getEntity() != null) {
        response.getEntity().getContent().readAllBytes();
      }
      return response.getCode();
    });
  }

  private static int apache5Async(String url, int timeoutMs, String then) throws Exception {
    org.apache.hc.client5.http.async.methods.SimpleHttpRequest request =
        org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url)
            .setRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofMilliseconds(timeoutMs)).build())
            .build();
    CountDownLatch callbackDone = new CountDownLatch(1);
    java.util.concurrent.Future<org.apache.hc.client5.http.async.methods.SimpleHttpResponse> future = APACHE5_ASYNC.execute(request,
        new org.apache.hc.core5.concurrent.FutureCallback<org.apache.hc.client5.http.async.methods.SimpleHttpResponse>() {
          @Override
          public void completed(org.apache.hc.client5.http.async.methods.SimpleHttpResponse response) {
            try {
              if (then != null) {
                thenCall(then);
              }
            } finally {
              callbackDone.countDown();
            }
          }

          @Override
          public void failed(Exception e) {
            callbackDone.countDown();
          }

          @Override
          public void cancelled() {
            callbackDone.countDown();
          }
        });
    try {
      int code = future.get(30, TimeUnit.SECONDS).getCode();
      callbackDone.await(30, TimeUnit.SECONDS);
      return code;
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static int apache4(String url, int timeoutMs) throws IOException {
    org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
    get.setConfig(org.apache.http.client.config.RequestConfig.custom().setSocketTimeout(timeoutMs).build());
    try (org.apache.http.client.methods.CloseableHttpResponse response = APACHE4.execute(get)) {
      if (response.getEntity() != null) {
        response.getEntity().getContent().readAllBytes();
      }
      return response.getStatusLine().getStatusCode();
    }
  }

  private static OkHttpClient okhttp(int timeoutMs) {
    // A fresh connection per call: a pooled one that the server closed would make OkHttp retry
    // transparently (a real, traced attempt), which the tests do not want to depend on.
    OKHTTP.connectionPool().evictAll();
    return OKHTTP.newBuilder().readTimeout(Duration.ofMillis(timeoutMs)).build();
  }

  private static int okhttpAsync(String url, int timeoutMs, String then) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Object> result = new AtomicReference<>();
    okhttp(timeoutMs).newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        result.set(e);
        done.countDown();
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (response) {
          response.body().string();
          if (then != null) {
            thenCall(then);
          }
          result.set(response.code());
        } finally {
          done.countDown();
        }
      }
    });
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no callback within 30 s");
    }
    if (result.get() instanceof Exception) {
      throw (Exception) result.get();
    }
    return (Integer) result.get();
  }

  private static Map<String, String> parse(String rawQuery) throws UnsupportedEncodingException {
    Map<String, String> map = new HashMap<>();
    if (rawQuery == null) {
      return map;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        map.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), "UTF-8"));
      }
    }
    return map;
  }
}
