package io.sightline.instrumentation.executors;

import static io.sightline.instrumentation.api.Methods.nameEndsWith;
import static io.sightline.instrumentation.api.Methods.named;
import static io.sightline.instrumentation.api.Methods.takesArgument;
import static io.sightline.instrumentation.api.Methods.takesArguments;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.HookIds;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every {@code CompletableFuture} stage ({@code thenApply}, {@code whenComplete}, {@code
 * thenCombine}, {@code supplyAsync} and the rest, async or not) goes through one of its private
 * {@code *Stage(Executor, [CompletionStage,] callback)} methods: the callback is wrapped there with
 * the context current when the stage is created, so that it runs in that context on whichever
 * thread completes the source. The stage's internal task object is not tracked (see
 * {@link io.sightline.bootstrap.ContextCallback} for why).
 */
final class CompletableFutureInstrumentation implements TypeInstrumentation {
  private static final String[] CALLBACK_TYPES = {
      "java.util.function.Function", "java.util.function.BiFunction", "java.util.function.Consumer",
      "java.util.function.BiConsumer", "java.util.function.Supplier", "java.lang.Runnable"};

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return TypeNames.named("java.util.concurrent.CompletableFuture");
  }

  @Override
  public void transform(AdviceTarget target) {
    target.applyAdvice(nameEndsWith("Stage").and(takesArguments(2))
            .and(takesArgument(0, Executor.class))
            .and(takesArgument(1, CALLBACK_TYPES)),
        CompletableFutureInstrumentation.class.getName() + "$SecondArgumentAdvice");
    target.applyAdvice(nameEndsWith("Stage").and(takesArguments(3))
            .and(takesArgument(0, Executor.class))
            .and(takesArgument(1, CompletionStage.class))
            .and(takesArgument(2, CALLBACK_TYPES)),
        CompletableFutureInstrumentation.class.getName() + "$ThirdArgumentAdvice");
    // completeAsync(supplier, executor) hands its JDK task straight to the executor, past every
    // *Stage method; the one-argument form calls it.
    target.applyAdvice(named("completeAsync").and(takesArguments(2))
            .and(takesArgument(0, Supplier.class)).and(takesArgument(1, Executor.class)),
        CompletableFutureInstrumentation.class.getName() + "$CompleteAsyncAdvice");
  }

  /**
   * Replaces the callback argument (readOnly = false): the callback is usually a lambda, which
   * cannot be advised, and the stage keeps no other object that would outlive it. The method
   * descriptor (a constant) tells the hook which functional interface to wrap it in.
   */
  public static final class SecondArgumentAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Origin("#d") String descriptor,
        @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object callback) {
      Object wrapped = Hooks.enter(HookIds.EXECUTORS_WRAP_CALLBACK, descriptor, callback, null);
      if (wrapped != null) {
        callback = wrapped;
      }
    }
  }

  /** As {@link SecondArgumentAdvice}, for the supplier of {@code completeAsync}. */
  public static final class CompleteAsyncAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object supplier) {
      Object wrapped = Hooks.enter(HookIds.EXECUTORS_WRAP_CALLBACK,
          "(Ljava/util/concurrent/Executor;Ljava/util/function/Supplier;)V", supplier, null); // as asyncSupplyStage
      if (wrapped != null) {
        supplier = wrapped;
      }
    }
  }

  /** As {@link SecondArgumentAdvice}, for the two-source stages ({@code thenCombine}, {@code applyToEither}...). */
  public static final class ThirdArgumentAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Origin("#d") String descriptor,
        @Advice.Argument(value = 2, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object callback) {
      Object wrapped = Hooks.enter(HookIds.EXECUTORS_WRAP_CALLBACK, descriptor, callback, null);
      if (wrapped != null) {
        callback = wrapped;
      }
    }
  }
}
