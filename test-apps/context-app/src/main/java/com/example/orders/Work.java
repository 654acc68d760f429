package com.example.orders;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.concurrent.CompletableFuture;

/** Business methods whose spans show where work ran, and in which trace. */
public class Work {
  @WithSpan("process_order")
  public String processOrder(@SpanAttribute("order.id") String orderId, Runnable body) {
    body.run();
    return orderId;
  }

  /** A CLIENT-kind business span marking where a hand-over ran (/variety); /order and /pool make real HTTP calls. */
  @WithSpan(value = "downstream", kind = SpanKind.CLIENT)
  public String downstream(@SpanAttribute("via") String via) {
    return "ok " + via;
  }

  @WithSpan
  public void task(@SpanAttribute("via") String via, @SpanAttribute("seq") long seq) {}

  @WithSpan
  public void fails(@SpanAttribute("via") String via) {
    throw new IllegalStateException("failed on purpose");
  }

  @WithSpan("async_work")
  public CompletableFuture<String> asyncWork(@SpanAttribute("delay.ms") int delayMs) {
    return CompletableFuture.supplyAsync(() -> {
      sleep(delayMs);
      return "done";
    }, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
