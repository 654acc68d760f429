package io.sightline.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

class AdviceCacheTest {
  public static class Greeting implements Supplier<String> {
    @Override
    public String get() {
      return "hello";
    }

    @Override
    public String toString() {
      return "greeting";
    }
  }

  public static class Farewell implements Supplier<String> {
    @Override
    public String get() {
      return "bye";
    }
  }

  public static class Shout {
    @Advice.OnMethodExit
    public static void exit(@Advice.Return(readOnly = false) String value) {
      value = value.toUpperCase(java.util.Locale.ROOT);
    }
  }

  public static class Fails {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter() {
      throw new IllegalStateException("advice failed");
    }
  }

  private final AdviceCache cache = new AdviceCache(AdviceCacheTest.class.getClassLoader(),
      Advice.ExceptionHandler.Default.SUPPRESSING);

  @Test
  void adviceIsAppliedAndResolvedOncePerLoaderForAllItsTypes() throws Exception {
    AgentBuilder.Transformer shout = cache.transformer(advice(named("get"), Shout.class));
    ClassLoader first = new ByteArrayClassLoader(AdviceCacheTest.class.getClassLoader(), Map.of());

    assertThat(get(transformed(shout, Greeting.class, first))).isEqualTo("HELLO");
    assertThat(get(transformed(shout, Farewell.class, first))).isEqualTo("BYE");
    assertThat(cache.resolutions()).isEqualTo(1);

    // Another loader may see other library types under the same names: resolved again for it.
    ClassLoader second = new ByteArrayClassLoader(AdviceCacheTest.class.getClassLoader(), Map.of());
    assertThat(get(transformed(shout, Greeting.class, second))).isEqualTo("HELLO");
    assertThat(cache.resolutions()).isEqualTo(2);
    assertThat(get(transformed(shout, Farewell.class, second))).isEqualTo("BYE");
    assertThat(cache.resolutions()).isEqualTo(2);
  }

  @Test
  void onlyTheMatchedMethodsGetTheAdviceWithTheGivenExceptionHandler() throws Exception {
    List<Map.Entry<ElementMatcher<? super MethodDescription>, String>> advice = List.of(
        Map.entry(named("get"), Fails.class.getName()),
        Map.entry(named("toString"), Shout.class.getName()));
    ClassLoader loader = new ByteArrayClassLoader(AdviceCacheTest.class.getClassLoader(), Map.of());

    // What the advice throws goes to the handler: here one that swallows it...
    Class<?> suppressing = transformed(cache.transformer(advice), Greeting.class, loader);
    assertThat(get(suppressing)).isEqualTo("hello");
    assertThat(suppressing.getDeclaredConstructor().newInstance().toString()).isEqualTo("GREETING");
    assertThat(cache.resolutions()).isEqualTo(2);

    // ...and here one that throws it again.
    AdviceCache rethrowing = new AdviceCache(AdviceCacheTest.class.getClassLoader(),
        Advice.ExceptionHandler.Default.RETHROWING);
    Class<?> throwing = transformed(rethrowing.transformer(advice), Greeting.class, loader);
    assertThatThrownBy(() -> get(throwing)).isInstanceOf(IllegalStateException.class).hasMessage("advice failed");
  }

  @Test
  void anAdviceClassThatCannotBeFoundFailsTheTransformationAndIsNotRemembered() {
    AgentBuilder.Transformer missing = cache.transformer(List.of(Map.entry(named("get"), "no.such.Advice")));
    ClassLoader loader = new ByteArrayClassLoader(AdviceCacheTest.class.getClassLoader(), Map.of());

    assertThatThrownBy(() -> transformed(missing, Greeting.class, loader)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> transformed(missing, Greeting.class, loader)).isInstanceOf(IllegalStateException.class);
    assertThat(cache.resolutions()).isZero();
  }

  private static List<Map.Entry<ElementMatcher<? super MethodDescription>, String>> advice(
      ElementMatcher<? super MethodDescription> methods, Class<?> adviceClass) {
    return List.of(Map.entry(methods, adviceClass.getName()));
  }

  /** The type redefined with the transformer's advice, as the agent would, loaded in a child of {@code parent}. */
  private static Class<?> transformed(AgentBuilder.Transformer transformer, Class<?> type, ClassLoader parent) {
    TypeDescription description = TypeDescription.ForLoadedType.of(type);
    DynamicType.Builder<?> builder = new ByteBuddy().decorate(description,
        ClassFileLocator.ForClassLoader.of(type.getClassLoader()));
    builder = transformer.transform(builder, description, parent, null, null);
    return builder.make().load(parent, ClassLoadingStrategy.Default.CHILD_FIRST).getLoaded();
  }

  @SuppressWarnings("unchecked")
  private static String get(Class<?> type) throws Exception {
    return ((Supplier<String>) type.getDeclaredConstructor().newInstance()).get();
  }
}
