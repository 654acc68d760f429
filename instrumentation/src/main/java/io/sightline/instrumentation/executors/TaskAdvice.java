package io.sightline.instrumentation.executors;

import io.sightline.bootstrap.Hooks;
import io.sightline.instrumentation.api.HookIds;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.asm.Advice;

/** The advice shared by every JDK task type: capture on construction, activate around running. */
final class TaskAdvice {
  static final String CAPTURE = TaskAdvice.class.getName() + "$CaptureAdvice";
  static final String FORK_JOIN_CAPTURE = TaskAdvice.class.getName() + "$ForkJoinCaptureAdvice";
  static final String RUN = TaskAdvice.class.getName() + "$RunAdvice";
  static final String RUN_ONCE = TaskAdvice.class.getName() + "$RunOnceAdvice";

  private TaskAdvice() {}

  public static final class CaptureAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Object task) {
      Hooks.exit(HookIds.EXECUTORS_CAPTURE, null, task, null, null);
    }
  }

  /**
   * As {@link CaptureAdvice}, for {@code ForkJoinTask}: every {@code CompletableFuture} stage is one
   * (dozens per {@code java.net.http} request), and their callbacks are wrapped instead, so they
   * are told apart here, without a call into the agent. {@code AsynchronousCompletionTask} is the
   * JDK's public marker of those tasks.
   */
  public static final class ForkJoinCaptureAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Object task) {
      if (!(task instanceof CompletableFuture.AsynchronousCompletionTask)) {
        Hooks.exit(HookIds.EXECUTORS_CAPTURE, null, task, null, null);
      }
    }
  }

  public static final class RunAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object task) {
      return Hooks.enter(HookIds.EXECUTORS_RUN, task, null, null);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void onExit(@Advice.Enter Object scope, @Advice.This Object task) {
      Hooks.exit(HookIds.EXECUTORS_RUN, scope, task, null, null);
    }
  }

  /** As {@link RunAdvice}, for a task that runs once: its recorded context is dropped when it is done. */
  public static final class RunOnceAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object task) {
      return Hooks.enter(HookIds.EXECUTORS_RUN_ONCE, task, null, null);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void onExit(@Advice.Enter Object scope, @Advice.This Object task) {
      Hooks.exit(HookIds.EXECUTORS_RUN_ONCE, scope, task, null, null);
    }
  }
}
