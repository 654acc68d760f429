package io.sightline.agent.weave;

import java.util.Arrays;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** Advice in every form the agent's instrumentations use, for {@link WeaverTest}. */
public final class WeaverAdvice {
  private WeaverAdvice() {}

  public static final class EnterExit {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object self, @Advice.Argument(0) String name) {
      WeaverEvents.add("enter " + self.getClass().getSimpleName() + " " + name);
      return "state-" + name;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state, @Advice.Return Object result, @Advice.Thrown Throwable thrown) {
      WeaverEvents.add("exit " + state + " " + result + " " + thrown);
    }
  }

  /** Exit advice that sees exceptions, on a method with primitive arguments and return. */
  public static final class Thrown {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long onEnter(@Advice.Argument(0) int a, @Advice.Argument(1) int b) {
      WeaverEvents.add("enter " + a + "/" + b);
      return 1000L + a;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter long state, @Advice.Argument(0) int a, @Advice.Return int result,
        @Advice.Thrown Throwable thrown) {
      WeaverEvents.add("exit " + state + " " + a + " " + result + " " + (thrown == null ? null : thrown.getMessage()));
    }
  }

  /** Rewrites the argument before the body and the return value after it. */
  public static final class Rewrite {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) String name) {
      name = name.toUpperCase();
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Argument(0) String name,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
      WeaverEvents.add("exit sees " + name);
      result = result + "!";
    }
  }

  /** Long and double slots, a static method, locals of its own. */
  public static final class Wide {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static double onEnter(@Advice.Argument(0) long value, @Advice.Argument(1) double factor) {
      long doubled = value * 3;
      double scaled = factor * doubled;
      WeaverEvents.add("enter " + value + " " + factor + " " + scaled);
      return scaled;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Enter double scaled, @Advice.Return long result,
        @Advice.Origin("#m#d") String method, @Advice.Origin Class<?> type) {
      WeaverEvents.add("exit " + scaled + " " + result + " " + method + " " + type.getSimpleName());
    }
  }

  /** Exit advice at each of several returns, one of them inside a finally block. */
  public static final class Returns {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.AllArguments Object[] args, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.FieldValue("counter") int counter) {
      WeaverEvents.add("exit " + Arrays.toString(args) + " " + result + " counter " + counter);
    }
  }

  /** Replaces the argument with a wrapper (dynamic typing), as the executor instrumentation does. */
  public static final class Wrap {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object supplier) {
      supplier = WeaverEvents.wrap((Supplier<?>) supplier);
    }
  }

  /** Skips the body when the advice returns true. */
  public static final class Skip {
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static boolean onEnter(@Advice.Argument(0) String line) {
      boolean skip = line.startsWith("skip");
      WeaverEvents.add("enter " + line + " skip=" + skip);
      return skip;
    }
  }

  /** Enter advice that throws: suppressed, and the method runs as if there were no advice. */
  public static final class Failing {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.Argument(0) String name) {
      if (name.equals("boom")) {
        throw new IllegalStateException("advice failed");
      }
      return name;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Enter Object state) {
      WeaverEvents.add("exit state " + state);
    }
  }

  /** After a constructor: this is initialised by then. */
  public static final class Constructed {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This WeaverTarget self, @Advice.FieldValue("label") String label) {
      WeaverEvents.add("constructed " + self.label() + " " + label);
    }
  }

  /**
   * Before a constructor's body, its {@code super()} call included: {@code this} is not usable
   * yet, but the arguments are, and may be replaced (as the JDK HTTP server's filter chain's are).
   */
  public static final class BeforeConstructor {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) String label) {
      if (label.equals("boom")) {
        throw new IllegalStateException("advice failed");
      }
      label = "[" + label + "]";
    }
  }

  /** Writes a field after the method. */
  public static final class Field {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.FieldValue(value = "counter", readOnly = false) int counter) {
      counter = counter + 100;
    }
  }

  /** A second layer on the same method: nests outside or inside the first, as Byte Buddy nests them. */
  public static final class Outer {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) String name) {
      WeaverEvents.add("outer enter " + name);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Return Object result) {
      WeaverEvents.add("outer exit " + result);
    }
  }
}
