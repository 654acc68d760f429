package io.sightline.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.installed.Outer;
import io.sightline.instrumentation.api.AdviceTarget;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
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
 * A class loaded while the install matches another is left alone by Byte Buddy (its circularity
 * lock), and is retransformed just after the install. The same path is taken by a JDK class loaded
 * while the install describes another by reflection, which the JDK hides from every transformer.
 */
class LoadedDuringInstallTest {
  private static final String NESTED = "com.example.installed.Nested";

  public static class Shout {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return(readOnly = false) String value) {
      value = value.toUpperCase(Locale.ROOT);
    }
  }

  /** Matches {@link Outer}, loading {@code Nested} when it is asked about it. */
  private static final class LoadsNestedWhileMatching implements ElementMatcher<TypeDescription> {
    @Override
    public boolean matches(TypeDescription type) {
      if (type.getName().equals(Outer.class.getName())) {
        try {
          Class.forName(NESTED, false, LoadedDuringInstallTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
        return true;
      }
      return false;
    }
  }

  private static TypeInstrumentation shouting(ElementMatcher<TypeDescription> types) {
    return new TypeInstrumentation() {
      @Override
      public ElementMatcher<TypeDescription> typeMatcher() {
        return types;
      }

      @Override
      public void transform(AdviceTarget target) {
        target.applyAdvice(named("get"), Shout.class.getName());
      }
    };
  }

  /** A module of one type instrumentation that registers no hooks (also used by WeaverFallbackTest). */
  static InstrumentationModule module(String name, TypeInstrumentation type) {
    return new InstrumentationModule(name) {
      @Override
      public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(type);
      }

      @Override
      public void registerHooks(AgentContext context) {}
    };
  }

  @Test
  @SuppressWarnings("unchecked")
  void aClassLoadedWhileTheInstallMatchesAnotherIsRetransformedAfterIt() throws Exception {
    Instrumentation instrumentation = ByteBuddyAgent.install();
    Supplier<String> outer = new Outer();
    assertThat(outer.get()).isEqualTo("outer");
    List<InstrumentationModule> modules = List.of(
        module("outer", shouting(new LoadsNestedWhileMatching())),
        module("nested", shouting(named(NESTED))));
    // A loader of its own for the agent: the installer ignores the classes the agent's loader defines.
    try (URLClassLoader agentLoader = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
      InstrumentationInstaller installer = new InstrumentationInstaller();
      AutoCloseable installed = installer.install(instrumentation, modules, agentLoader, module -> true, null,
          false, StartupClock.start());
      try {
        Class<?> nestedClass = Class.forName(NESTED, false, getClass().getClassLoader());
        Supplier<String> nested = (Supplier<String>) nestedClass.getDeclaredConstructor().newInstance();

        assertThat(outer.get()).isEqualTo("OUTER");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!nested.get().equals("NESTED") && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(nested.get()).isEqualTo("NESTED");
        assertThat(installer.wouldTransform(nestedClass)).isTrue();
        assertThat(installer.wouldTransform(String.class)).isFalse();
      } finally {
        installed.close();
      }
    }
    assertThat(outer.get()).isEqualTo("outer");
  }
}
