package io.sightline.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.bootstrap.Hooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

/**
 * Every advice form the instrumentations use, woven into {@link WeaverTarget} twice: by Byte Buddy
 * (as the agent configures it) and by the {@link Weaver}. Each woven class is loaded (so verified by
 * the JVM) and exercised the same way; the advice's events, results and exceptions must be the same.
 */
class WeaverTest {
  private static final String TARGET = WeaverTarget.class.getName();

  /** Class file headers read through a loader's resources, as the agent's ClassHeaders does. */
  static final Weaver.Headers HEADERS = (loader, internalName) -> {
    byte[] classFile = read(loader == null ? ClassLoader.getSystemClassLoader() : loader, internalName);
    if (classFile == null) {
      return null;
    }
    ClassReader reader = new ClassReader(classFile);
    return new Weaver.Header((reader.getAccess() & Opcodes.ACC_INTERFACE) != 0, reader.getSuperName());
  };

  private static byte[] read(ClassLoader loader, String internalName) {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Weaver weaver() {
    return new Weaver(HEADERS, name -> read(WeaverTest.class.getClassLoader(), name.replace('.', '/')));
  }

  @Test
  void enterAndExitAdviceSeeTheSameValues() throws Exception {
    compare(exercise -> {
      exercise.call("greet", new Class<?>[] {String.class}, "ann");
    }, advice(named("greet"), WeaverAdvice.EnterExit.class));
  }

  @Test
  void exitAdviceSeesExceptionsAndPrimitives() throws Exception {
    compare(exercise -> {
      exercise.call("divide", new Class<?>[] {int.class, int.class}, 6, 3);
      exercise.call("divide", new Class<?>[] {int.class, int.class}, 1, 0);
    }, advice(named("divide"), WeaverAdvice.Thrown.class));
  }

  @Test
  void writableArgumentAndReturnValue() throws Exception {
    compare(exercise -> exercise.call("greet", new Class<?>[] {String.class}, "bob"),
        advice(named("greet"), WeaverAdvice.Rewrite.class));
  }

  @Test
  void wideSlotsInAStaticMethodAndOrigin() throws Exception {
    compare(exercise -> {
      exercise.callStatic("twice", new Class<?>[] {long.class, double.class}, 5L, 1.5);
      exercise.callStatic("twice", new Class<?>[] {long.class, double.class}, 7L, -1.0);
    }, advice(named("twice"), WeaverAdvice.Wide.class));
  }

  @Test
  void everyReturnIncludingFinallyAndCaught() throws Exception {
    compare(exercise -> {
      for (int x = 0; x < 4; x++) {
        exercise.call("manyReturns", new Class<?>[] {int.class}, x);
      }
    }, advice(named("manyReturns"), WeaverAdvice.Returns.class));
  }

  @Test
  void argumentReplacedWithDynamicTyping() throws Exception {
    Supplier<String> supplier = () -> "value";
    compare(exercise -> exercise.call("call", new Class<?>[] {Supplier.class}, supplier),
        advice(named("call"), WeaverAdvice.Wrap.class));
  }

  @Test
  void skipOnNonDefaultValue() throws Exception {
    compare(exercise -> {
      exercise.call("write", new Class<?>[] {String.class}, "skip this");
      exercise.call("write", new Class<?>[] {String.class}, "keep this");
    }, advice(named("write"), WeaverAdvice.Skip.class));
  }

  @Test
  void failingAdviceIsSuppressed() throws Exception {
    long before = Hooks.suppressedCount();
    compare(exercise -> {
      exercise.call("greet", new Class<?>[] {String.class}, "boom");
      exercise.call("greet", new Class<?>[] {String.class}, "fine");
    }, advice(named("greet"), WeaverAdvice.Failing.class));
    assertThat(Hooks.suppressedCount() - before).isEqualTo(2); // once each way
  }

  @Test
  void afterConstructorsIncludingOneThatDelegates() throws Exception {
    compare(exercise -> {
      exercise.construct(new Class<?>[0]);
      exercise.construct(new Class<?>[] {String.class}, "named");
    }, advice(isConstructor(), WeaverAdvice.Constructed.class));
  }

  @Test
  void beforeAConstructorWithItsArgumentReplaced() throws Exception {
    compare(exercise -> {
      exercise.construct(new Class<?>[] {String.class}, "named");
      exercise.construct(new Class<?>[] {String.class}, "boom");
    }, advice(isConstructor().and(takesArguments(String.class)), WeaverAdvice.BeforeConstructor.class),
        advice(isConstructor(), WeaverAdvice.Constructed.class));
  }

  @Test
  void writableField() throws Exception {
    compare(exercise -> {
      exercise.callInTurn("bump", "counter");
    }, advice(named("bump"), WeaverAdvice.Field.class));
  }

  @Test
  void twoAdviceClassesNestAsInByteBuddy() throws Exception {
    compare(exercise -> {
      exercise.call("greet", new Class<?>[] {String.class}, "cy");
    }, advice(named("greet"), WeaverAdvice.Outer.class), advice(named("greet"), WeaverAdvice.EnterExit.class));
  }

  @Test
  void aClassNoMethodOfWhichMatchesIsLeftAlone() throws Exception {
    byte[] classFile = read(getClass().getClassLoader(), TARGET.replace('.', '/'));
    assertThat(weaver().weave(getClass().getClassLoader(), classFile,
        List.of(new Weaver.Advice(named("absent"), WeaverAdvice.EnterExit.class.getName())))).isNull();
  }

  // ---- the comparison ----

  interface Scenario {
    void run(Exercise exercise) throws Exception;
  }

  private static Weaver.Advice advice(ElementMatcher<? super MethodDescription> methods, Class<?> adviceClass) {
    return new Weaver.Advice(methods, adviceClass.getName());
  }

  private static void compare(Scenario scenario, Weaver.Advice... advice) throws Exception {
    byte[] original = read(WeaverTest.class.getClassLoader(), TARGET.replace('.', '/'));
    List<String> byteBuddy = exercise(scenario, byteBuddy(advice));
    byte[] woven = weaver().weave(WeaverTest.class.getClassLoader(), original, List.of(advice));
    assertThat(woven).isNotNull();
    List<String> weaver = exercise(scenario, woven);
    assertThat(weaver).isEqualTo(byteBuddy);
    // and the advice did something: the events differ from the class without advice
    assertThat(weaver).isNotEqualTo(exercise(scenario, original));
  }

  private static byte[] byteBuddy(Weaver.Advice... advice) throws Exception {
    Advice.ExceptionHandler handler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
        new MethodDescription.ForLoadedMethod(Hooks.class.getMethod("suppressed", Throwable.class))));
    ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(WeaverTest.class.getClassLoader());
    AsmVisitorWrapper.ForDeclaredMethods visitor = new AsmVisitorWrapper.ForDeclaredMethods();
    for (Weaver.Advice one : advice) {
      visitor = visitor.invokable(one.methods,
          Advice.to(TypeDescription.ForLoadedType.of(Class.forName(one.className)), locator).withExceptionHandler(handler));
    }
    return new ByteBuddy().with(TypeValidation.DISABLED).with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
        .decorate(TypeDescription.ForLoadedType.of(WeaverTarget.class), locator)
        .visit(visitor).make().getBytes();
  }

  private static List<String> exercise(Scenario scenario, byte[] classFile) throws Exception {
    WeaverEvents.take();
    Class<?> type = new OneClassLoader(classFile).loadClass(TARGET);
    scenario.run(new Exercise(type));
    return WeaverEvents.take();
  }

  /** Calls the loaded class's methods, recording results and exceptions as events. */
  static final class Exercise {
    private final Class<?> type;

    Exercise(Class<?> type) {
      this.type = type;
    }

    void call(String method, Class<?>[] parameters, Object... args) throws Exception {
      record(method, () -> type.getMethod(method, parameters).invoke(type.getConstructor().newInstance(), args));
    }

    /** Methods without arguments called one after the other on one instance. */
    void callInTurn(String... methods) throws Exception {
      Object instance = type.getConstructor().newInstance();
      for (String method : methods) {
        record(method, () -> type.getMethod(method).invoke(instance));
      }
    }

    void callStatic(String method, Class<?>[] parameters, Object... args) throws Exception {
      record(method, () -> type.getMethod(method, parameters).invoke(null, args));
    }

    void construct(Class<?>[] parameters, Object... args) throws Exception {
      record("new", () -> type.getConstructor(parameters).newInstance(args).getClass().getSimpleName());
    }

    private interface Call {
      Object call() throws Exception;
    }

    private static void record(String name, Call call) throws Exception {
      try {
        WeaverEvents.add(name + " returned " + call.call());
      } catch (InvocationTargetException e) {
        WeaverEvents.add(name + " threw " + e.getCause());
      }
    }
  }

  /** Defines the woven target itself; everything else comes from the test's loader. */
  static final class OneClassLoader extends ClassLoader {
    private final byte[] classFile;

    OneClassLoader(byte[] classFile) {
      super(WeaverTest.class.getClassLoader());
      this.classFile = classFile;
    }

    @Override
    protected synchronized Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals(TARGET)) {
        return super.loadClass(name, resolve);
      }
      Class<?> loaded = findLoadedClass(name);
      return loaded != null ? loaded : defineClass(name, classFile, 0, classFile.length);
    }
  }
}
