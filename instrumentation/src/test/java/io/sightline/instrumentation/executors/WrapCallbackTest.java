package io.sightline.instrumentation.executors;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.PropagationBarrier;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WrapCallbackTest {
  private static final SpanContext PARENT = SpanContext.create(
      "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault());

  /** Every stage method the advice matches on this JDK has a callback kind the hook can wrap. */
  @Test
  void everyMatchedStageMethodOfThisJdkHasAKnownCallbackKind() {
    List<String> matched = new ArrayList<>();
    for (Method m : CompletableFuture.class.getDeclaredMethods()) {
      Class<?>[] p = m.getParameterTypes();
      boolean two = p.length == 2 && p[0] == Executor.class;
      boolean three = p.length == 3 && p[0] == Executor.class && p[1] == CompletionStage.class;
      if (!m.getName().endsWith("Stage") || !(two || three)) {
        continue;
      }
      String descriptor = descriptor(m);
      assertThat(TaskContextHooks.WrapCallback.lastParameterKind(descriptor)).as(descriptor).isPositive();
      matched.add(m.getName());
    }
    assertThat(matched).contains("uniApplyStage", "uniWhenCompleteStage", "uniComposeStage", "biApplyStage",
        "orRunStage", "asyncSupplyStage", "asyncRunStage");
  }

  @Test
  void descriptorsOfOtherShapesAreNotWrapped() {
    assertThat(TaskContextHooks.WrapCallback.lastParameterKind("(Ljava/util/concurrent/Executor;I)V")).isZero();
    assertThat(TaskContextHooks.WrapCallback.lastParameterKind("(Ljava/lang/Object;Ljava/lang/String;)V")).isZero();
    assertThat(TaskContextHooks.WrapCallback.lastParameterKind("()V")).isZero();
  }

  @Test
  @SuppressWarnings("unchecked")
  void wrappedCallbackRunsInTheCapturedContextOnAnotherThread() throws Exception {
    Hooks.register(HookIds.EXECUTORS_WRAPPED_RUN, new TaskContextHooks.WrappedRun());
    TaskContextHooks.WrapCallback hook = new TaskContextHooks.WrapCallback();
    String descriptor = "(Ljava/util/concurrent/Executor;Ljava/util/function/Function;)Ljava/util/concurrent/CompletableFuture;";
    Function<String, String> plain = x -> Span.current().getSpanContext().getSpanId();

    assertThat(hook.enter(descriptor, plain, null)).as("no span current: nothing to carry").isNull();

    Object wrapped;
    try (Scope ignored = Context.root().with(Span.wrap(PARENT)).makeCurrent()) {
      wrapped = hook.enter(descriptor, plain, null);
      assertThat(hook.enter(descriptor, wrapped, null)).as("never wrapped twice").isNull();
    }
    assertThat(wrapped).isInstanceOf(Function.class).hasToString(plain.toString());
    Function<String, String> function = (Function<String, String>) wrapped;
    String seen = CompletableFuture.supplyAsync(() -> function.apply("x")).get(5, TimeUnit.SECONDS);
    assertThat(seen).isEqualTo("b7ad6b7169203331");
    assertThat(Span.current().getSpanContext().isValid()).as("restored after the callback").isFalse();
  }

  @Test
  void nothingIsWrappedInsideAPropagationBarrier() {
    TaskContextHooks.WrapCallback hook = new TaskContextHooks.WrapCallback();
    String descriptor = "(Ljava/util/concurrent/Executor;Ljava/lang/Runnable;)Ljava/util/concurrent/CompletableFuture;";
    Runnable task = () -> { };
    try (Scope span = Context.root().with(Span.wrap(PARENT)).makeCurrent()) {
      assertThat(hook.enter(descriptor, task, null)).isNotNull();
      try (Scope barrier = PropagationBarrier.enter()) {
        assertThat(hook.enter(descriptor, task, null)).isNull();
        assertThat(TaskContexts.toPropagate()).isNull();
      }
      assertThat(TaskContexts.toPropagate()).as("the barrier ends with its scope").isNotNull();
    }
  }

  private static String descriptor(Method m) {
    StringBuilder sb = new StringBuilder("(");
    for (Class<?> p : m.getParameterTypes()) {
      sb.append(p.isPrimitive() ? "I" : "L" + p.getName().replace('.', '/') + ";");
    }
    return sb.append(")V").toString();
  }
}
