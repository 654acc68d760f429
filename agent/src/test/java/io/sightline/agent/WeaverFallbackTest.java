package io.sightline.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import io.sightline.instrumentation.api.TypeNames;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

/**
 * The install with the weaver: a class whose advice the weaver inlines has it from its first load;
 * a class whose advice it leaves to Byte Buddy (here, advice with {@code @Advice.Local}) loads
 * unchanged, makes the agent build Byte Buddy in the background, and gets the advice when it is
 * retransformed then.
 */
class WeaverFallbackTest {
  /** Advice the weaver inlines. */
  public static class Shout {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return(readOnly = false) String value) {
      value = value.toUpperCase(Locale.ROOT);
    }
  }

  /** The same, through a local variable of the advice's own, which the weaver leaves to Byte Buddy. */
  public static class ShoutThroughLocal {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Local("shout") boolean shout) {
      shout = true;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Local("shout") boolean shout, @Advice.Return(readOnly = false) String value) {
      if (shout) {
        value = value.toUpperCase(Locale.ROOT);
      }
    }
  }

  private static InstrumentationModule module(String className, Class<?> advice) {
    TypeInstrumentation type = new TypeInstrumentation() {
      @Override
      public ElementMatcher<TypeDescription> typeMatcher() {
        return TypeNames.named(className);
      }

      @Override
      public void transform(AdviceTarget target) {
        target.applyAdvice(named("get"), advice.getName());
      }
    };
    return LoadedDuringInstallTest.module(className, type);
  }

  @Test
  @SuppressWarnings("unchecked")
  void woveOrLeftToByteBuddyEitherWayTheAdviceApplies() throws Exception {
    Instrumentation instrumentation = ByteBuddyAgent.install();
    List<InstrumentationModule> modules = List.of(
        module("com.example.woven.Plain", Shout.class),
        module("com.example.woven.Refused", ShoutThroughLocal.class));
    try (URLClassLoader agentLoader = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
      InstrumentationInstaller installer = new InstrumentationInstaller();
      AutoCloseable installed = installer.install(instrumentation, modules, agentLoader, module -> true, null, true,
          StartupClock.start());
      try {
        Supplier<String> plain = (Supplier<String>) Class.forName("com.example.woven.Plain", true,
            getClass().getClassLoader()).getDeclaredConstructor().newInstance();
        assertThat(plain.get()).as("woven as it loaded").isEqualTo("PLAIN");
        assertThat(installer.transformedCount()).isEqualTo(1);

        Supplier<String> refused = (Supplier<String>) Class.forName("com.example.woven.Refused", true,
            getClass().getClassLoader()).getDeclaredConstructor().newInstance();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!refused.get().equals("REFUSED") && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(refused.get()).as("retransformed once Byte Buddy was built").isEqualTo("REFUSED");
        assertThat(plain.get()).isEqualTo("PLAIN");
      } finally {
        installed.close();
      }
    }
  }
}
