package io.sightline.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

/**
 * Each {@link Methods} matcher gives Byte Buddy's answer for the matcher of the same name, for
 * every method and constructor of a few JDK classes, asked both ways: about the class file's method
 * entry (as the agent's weaver asks) and about Byte Buddy's description (as Byte Buddy asks).
 */
class MethodMatcherTest {
  private static final Class<?>[] SUBJECTS = {String.class, Thread.class, CompletableFuture.class,
      ThreadPoolExecutor.class, java.util.logging.Logger.class, HashMap.class};

  private final Map<MethodMatcher, ElementMatcher<? super MethodDescription>> cases = new LinkedHashMap<>();

  MethodMatcherTest() {
    cases.put(Methods.named("get"), ElementMatchers.named("get"));
    cases.put(Methods.named("<init>"), ElementMatchers.named("<init>"));
    cases.put(Methods.namedOneOf("execute", "submit", "valueOf"), ElementMatchers.namedOneOf("execute", "submit", "valueOf"));
    cases.put(Methods.nameStartsWith("get"), ElementMatchers.nameStartsWith("get"));
    cases.put(Methods.nameEndsWith("Stage"), ElementMatchers.nameEndsWith("Stage"));
    cases.put(Methods.isConstructor(), ElementMatchers.isConstructor());
    cases.put(Methods.isMethod(), ElementMatchers.isMethod());
    cases.put(Methods.isStatic(), ElementMatchers.isStatic());
    cases.put(Methods.isPublic(), ElementMatchers.isPublic());
    cases.put(Methods.isAbstract(), ElementMatchers.isAbstract());
    cases.put(Methods.not(Methods.isAbstract()), ElementMatchers.not(ElementMatchers.isAbstract()));
    cases.put(Methods.takesArguments(0), ElementMatchers.takesArguments(0));
    cases.put(Methods.takesArguments(2), ElementMatchers.takesArguments(2));
    cases.put(Methods.takesArguments(String.class), ElementMatchers.takesArguments(String.class));
    cases.put(Methods.takesArguments(long.class), ElementMatchers.takesArguments(long.class));
    cases.put(Methods.takesArguments(String.class, Object[].class),
        ElementMatchers.takesArguments(String.class, Object[].class));
    cases.put(Methods.takesArguments(char[].class, int.class, int.class),
        ElementMatchers.takesArguments(char[].class, int.class, int.class));
    cases.put(Methods.takesArgument(0, String.class), ElementMatchers.takesArgument(0, String.class));
    cases.put(Methods.takesArgument(0, int.class), ElementMatchers.takesArgument(0, int.class));
    cases.put(Methods.takesArgument(0, Executor.class), ElementMatchers.takesArgument(0, Executor.class));
    cases.put(Methods.takesArgument(1, "java.util.function.Function", "java.lang.Runnable", "java.lang.Object[]"),
        ElementMatchers.takesArgument(1,
            ElementMatchers.namedOneOf("java.util.function.Function", "java.lang.Runnable", "java.lang.Object[]")));
    cases.put(Methods.isDeclaredBy("java.lang.Thread"),
        ElementMatchers.isDeclaredBy(ElementMatchers.named("java.lang.Thread")));
    cases.put(Methods.isAnnotatedWith("java.lang.Deprecated"),
        ElementMatchers.isAnnotatedWith(ElementMatchers.named("java.lang.Deprecated")));
    cases.put(Methods.named("execute").and(Methods.takesArguments(1)).or(Methods.isConstructor().and(Methods.isPublic())),
        ElementMatchers.named("execute").and(ElementMatchers.takesArguments(1))
            .or(ElementMatchers.isConstructor().and(ElementMatchers.isPublic())));
  }

  @Test
  void classFileEntriesAndDescriptionsGetByteBuddysAnswers() throws IOException {
    int asked = 0;
    int matched = 0;
    for (Class<?> subject : SUBJECTS) {
      Map<String, MethodDescription> described = new HashMap<>();
      for (MethodDescription method : TypeDescription.ForLoadedType.of(subject).getDeclaredMethods()) {
        described.put(method.getInternalName() + method.getDescriptor(), method);
      }
      List<MethodMatcher.ClassFileMethod> entries = entries(subject);
      assertThat(entries).hasSizeGreaterThan(10);
      for (MethodMatcher.ClassFileMethod entry : entries) {
        MethodDescription description = described.get(entry.internalName() + entry.descriptor());
        if (description == null) {
          continue; // the type initializer, which Byte Buddy does not list
        }
        for (Map.Entry<MethodMatcher, ElementMatcher<? super MethodDescription>> c : cases.entrySet()) {
          boolean expected = c.getValue().matches(description);
          String what = c.getKey() + " on " + subject.getName() + "." + entry.internalName() + entry.descriptor();
          assertThat(c.getKey().matches(entry)).as("class file: " + what).isEqualTo(expected);
          assertThat(c.getKey().matches(description)).as("description: " + what).isEqualTo(expected);
          asked++;
          matched += expected ? 1 : 0;
        }
      }
    }
    // Enough methods asked, and the matchers both match and refuse.
    assertThat(asked).isGreaterThan(5_000);
    assertThat(matched).isGreaterThan(500).isLessThan(asked - 500);
  }

  @Test
  void everyInstrumentationsAdviceGoesByMethodMatchers() {
    List<String> advised = new ArrayList<>();
    for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class)) {
      for (TypeInstrumentation type : module.typeInstrumentations()) {
        type.transform((methods, adviceClassName) -> {
          // Any other matcher makes the weaver build Byte Buddy's type descriptions at startup.
          assertThat(methods).as(adviceClassName + "'s method matcher").isInstanceOf(MethodMatcher.class);
          advised.add(adviceClassName);
        });
      }
    }
    assertThat(advised).hasSizeGreaterThan(50);
  }

  @Test
  void theNamedArrayAndPrimitiveTypesHaveTheirDescriptors() {
    assertThat(Methods.descriptor("long")).isEqualTo("J");
    assertThat(Methods.descriptor("java.lang.String[][]")).isEqualTo("[[Ljava/lang/String;");
    assertThat(Methods.descriptor(String[].class)).isEqualTo("[Ljava/lang/String;");
    assertThat(Methods.descriptor(Map.Entry.class)).isEqualTo("Ljava/util/Map$Entry;");
    assertThat(MethodMatcher.parameters("(J[[ILjava/lang/String;Z)V")).containsExactly("J", "[[I", "Ljava/lang/String;", "Z");
    assertThat(MethodMatcher.parameters("()V")).isEmpty();
  }

  private static List<MethodMatcher.ClassFileMethod> entries(Class<?> type) throws IOException {
    byte[] classFile;
    try (InputStream in = ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      classFile = in.readAllBytes();
    }
    List<MethodMatcher.ClassFileMethod> entries = new ArrayList<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      private String owner;

      @Override
      public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodMatcher.ClassFileMethod entry = new MethodMatcher.ClassFileMethod(owner, access, name, descriptor);
        entries.add(entry);
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
            if (visible) {
              entry.annotations.add(annotation);
            }
            return null;
          }
        };
      }
    }, ClassReader.SKIP_CODE);
    return entries;
  }
}
