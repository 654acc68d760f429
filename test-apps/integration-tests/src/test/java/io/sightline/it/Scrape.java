package io.sightline.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a Prometheus endpoint, parsed into samples (text format or OpenMetrics). */
final class Scrape {
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE = Pattern.compile(
      "^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*?)\\})? (\\S+)(?: \\S+)?(?: # \\{(.*?)\\} (\\S+)(?: (\\S+))?)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Sample(String name, Map<String, String> labels, double value, Map<String, String> exemplar) {
    String label(String key) {
      return labels.get(key);
    }
  }

  final String body;
  final List<Sample> samples = new ArrayList<>();
  final Set<String> helped = new LinkedHashSet<>();
  final Set<String> typed = new LinkedHashSet<>();

  private Scrape(String body) {
    this.body = body;
    for (String line : body.split("\n")) {
      if (line.startsWith("# HELP ")) {
        helped.add(line.split(" ")[2]);
      } else if (line.startsWith("# TYPE ")) {
        typed.add(line.split(" ")[2]);
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("unparseable sample line: " + line);
        }
        samples.add(new Sample(m.group(1), labels(m.group(2)), Double.parseDouble(m.group(3)),
            m.group(4) == null ? null : labels(m.group(4))));
      }
    }
  }

  static Scrape of(String body) {
    return new Scrape(body);
  }

  static HttpResponse<String> get(int port, String path, String accept) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
    if (accept != null) {
      request.header("Accept", accept);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " on " + port + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Scrape text(int port) {
    HttpResponse<String> response = get(port, "/metrics", null);
    if (response.statusCode() != 200) {
      throw new AssertionError("scrape answered " + response.statusCode());
    }
    return of(response.body());
  }

  static Scrape openMetrics(int port) {
    HttpResponse<String> response = get(port, "/metrics", OPENMETRICS);
    if (response.statusCode() != 200) {
      throw new AssertionError("scrape answered " + response.statusCode());
    }
    return of(response.body());
  }

  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  Set<String> labelValues(String name, String label) {
    Set<String> values = new LinkedHashSet<>();
    for (Sample s : named(name)) {
      if (s.label(label) != null) {
        values.add(s.label(label));
      }
    }
    return values;
  }

  Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text != null) {
      Matcher m = LABEL.matcher(text);
      while (m.find()) {
        labels.put(m.group(1), m.group(2));
      }
    }
    return labels;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
