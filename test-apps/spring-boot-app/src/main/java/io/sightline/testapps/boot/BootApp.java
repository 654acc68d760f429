package io.sightline.testapps.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot MVC service. Prints {@code READY port=N} once it serves.
 *
 * <ul>
 *   <li>{@code GET /hello} - "hello"
 *   <li>{@code GET /users/{id}} - JSON
 *   <li>{@code GET /status/{code}} - that status
 *   <li>{@code GET /fail} - the controller throws
 *   <li>{@code GET /async?ms=N} - a CompletableFuture completed N ms later (async re-dispatch)
 *   <li>{@code GET /thread-per-task} - a task on a {@code SimpleAsyncTaskExecutor} calls
 *       {@code /hello} over {@code HttpURLConnection}; answers what it got
 * </ul>
 */
@SpringBootApplication
@RestController
public class BootApp {
  /** Spring's thread-per-task executor: each task on a new thread, no JDK executor in between. */
  private static final SimpleAsyncTaskExecutor TASKS = new SimpleAsyncTaskExecutor("boot-task-");
  private static volatile int port;

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(BootApp.class);
    app.setDefaultProperties(Map.of(
        "server.address", "127.0.0.1",
        "server.port", System.getProperty("app.port", System.getenv().getOrDefault("APP_PORT", "0")),
        "spring.main.banner-mode", "off"));
    app.addListeners((ApplicationListener<WebServerInitializedEvent>) event -> {
      port = event.getWebServer().getPort();
      System.out.println("READY port=" + port);
      System.out.flush();
    });
    app.run(args);
  }

  @GetMapping("/hello")
  public String hello() {
    return "hello";
  }

  @GetMapping("/users/{id}")
  public Map<String, String> user(@PathVariable String id) {
    return Map.of("id", id, "name", "user " + id);
  }

  @GetMapping("/status/{code}")
  public ResponseEntity<String> status(@PathVariable int code) {
    return ResponseEntity.status(code).body("status " + code);
  }

  @GetMapping("/fail")
  public String fail() {
    throw new IllegalStateException("handler failed on purpose");
  }

  /** The async result is an exception: Spring's async dispatch, then its error page. */
  @GetMapping("/async-fail/{id}")
  public Callable<String> asyncFail(@PathVariable String id) {
    return () -> {
      Thread.sleep(50);
      throw new IllegalStateException("async handler " + id + " failed on purpose");
    };
  }

  @GetMapping("/async")
  public CompletableFuture<String> async(@RequestParam(defaultValue = "300") long ms) {
    return CompletableFuture.supplyAsync(() -> "async done after " + ms + " ms",
        CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
  }

  @GetMapping("/thread-per-task")
  public String threadPerTask() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    String[] got = {"nothing"};
    TASKS.execute(() -> {
      try {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/hello").openConnection();
        try (InputStream in = connection.getInputStream()) {
          got[0] = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        got[0] = e.toString();
      } finally {
        done.countDown();
      }
    });
    done.await(10, TimeUnit.SECONDS);
    return "task got " + got[0];
  }
}
