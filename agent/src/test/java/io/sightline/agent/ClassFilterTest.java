package io.sightline.agent;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.api.ClassFileMatcher;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.AfterEach;
import org.example.filter.FilterFixtures;
import org.example.filter.FilterFixtures.DriverStatement;
import org.example.filter.FilterFixtures.NotAStatement;
import org.junit.jupiter.api.Test;

/**
 * The class filter against Byte Buddy's own matchers, over every class file of this test's class
 * path and of the JDK packages the instrumentations name: a class the filter turns away must be one
 * that no type instrumentation's matcher matches. The hierarchy matchers are asked of Byte Buddy
 * with the agent's resolver unset, so that its own {@code hasSuperType} and {@code declaresMethod}
 * decide, not the class file headers the filter reads.
 */
class ClassFilterTest {
  private static final ClassLoader LOADER = ClassFilterTest.class.getClassLoader();

  /** Stands for the agent's class loader in these tests. */
  private static final ClassLoader AGENT = new ClassLoader(null) {};

  @AfterEach
  void agentResolverBack() {
    SuperTypes.setResolver(null);
  }

  @Test
  void turnsAwayOnlyClassesNoInstrumentationMatches() throws IOException {
    List<TypeInstrumentation> types = new ArrayList<>();
    for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class)) {
      types.addAll(module.typeInstrumentations());
    }
    assertThat(types).hasSizeGreaterThan(30);
    ClassHeaders headers = new ClassHeaders();
    ClassFilter filter = new ClassFilter(headers, AGENT);
    for (TypeInstrumentation type : types) {
      assertThat(type.typeMatcher()).as("a matcher the filter can ask").isInstanceOf(ClassFileMatcher.class);
      filter.add(any(), type.typeMatcher());
    }

    Map<String, byte[]> corpus = corpus();
    TypePool pool = TypePool.Default.of(new ClassFileLocator.Compound(new ClassFileLocator.Simple(corpus),
        ClassFileLocator.ForClassLoader.of(LOADER)));
    int passed = 0;
    List<String> matched = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : corpus.entrySet()) {
      String internalName = entry.getKey().replace('.', '/');
      SuperTypes.setResolver(headers);
      boolean may = filter.mayMatch(LOADER, internalName, entry.getValue());
      headers.forget();
      passed += may ? 1 : 0;

      if (InstrumentationInstaller.isIgnored(internalName)) {
        assertThat(may).as(entry.getKey() + " is one the agent never transforms").isFalse();
        continue;
      }
      SuperTypes.setResolver(null); // Byte Buddy's own matchers from here on
      TypeDescription description = pool.describe(entry.getKey()).resolve();
      for (TypeInstrumentation type : types) {
        if (type.typeMatcher().matches(description)) {
          matched.add(entry.getKey());
          assertThat(may).as(entry.getKey() + " is matched by " + type.typeMatcher() + " but was turned away").isTrue();
        }
      }
    }
    assertThat(matched).contains("java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.FutureTask",
        DriverStatement.class.getName(), "test.Traced", "sun.net.www.protocol.http.HttpURLConnection",
        "jdk.internal.net.http.HttpClientImpl", "com.sun.net.httpserver.Filter$Chain");
    assertThat(corpus).hasSizeGreaterThan(5000);
    // The point of the filter: almost nothing goes on to Byte Buddy.
    assertThat(passed).as("class files that went on").isLessThan(corpus.size() / 100);
  }

  @Test
  void answersFromTheClassFileAtHand() throws IOException {
    ClassHeaders headers = new ClassHeaders();
    SuperTypes.setResolver(headers);
    ClassFilter filter = new ClassFilter(headers, AGENT);
    filter.add(any(), SuperTypes.declaresMethodNamed("executeQuery").and(SuperTypes.classBelow("java.sql.Statement")));

    assertThat(filter.mayMatch(LOADER, internal(DriverStatement.class), bytes(DriverStatement.class))).isTrue();
    assertThat(filter.mayMatch(LOADER, internal(NotAStatement.class), bytes(NotAStatement.class))).isFalse();
    assertThat(filter.mayMatch(LOADER, internal(FilterFixtures.class), bytes(FilterFixtures.class))).isFalse();
    // Not the class file of that name: the headers cannot tell, so it goes on.
    assertThat(filter.mayMatch(LOADER, internal(NotAStatement.class), bytes(DriverStatement.class))).isTrue();
    // The agent's own classes and loader never go on.
    assertThat(filter.mayMatch(LOADER, internal(ClassFilterTest.class), bytes(ClassFilterTest.class))).isFalse();
    ClassFilter own = new ClassFilter(headers, LOADER);
    own.add(any(), any());
    assertThat(own.mayMatch(LOADER, internal(DriverStatement.class), bytes(DriverStatement.class))).isFalse();
  }

  @Test
  void loadedClassesAreAskedByLoaderAndName() {
    ClassHeaders headers = new ClassHeaders();
    SuperTypes.setResolver(headers);
    ClassFilter filter = new ClassFilter(headers, AGENT);
    filter.add(any(), io.sightline.instrumentation.api.TypeNames.named(ThreadPoolExecutor.class.getName()));
    filter.add(loader -> loader != null, SuperTypes.declaresMethodNamed("executeQuery"));

    assertThat(filter.mayMatchLoaded(ThreadPoolExecutor.class)).isTrue();
    assertThat(filter.mayMatchLoaded(String.class)).isFalse(); // the boot loader: only the name rule applies
    assertThat(filter.mayMatchLoaded(int[].class)).isFalse();
    // No class file at hand: a rule that needs one cannot say no.
    assertThat(filter.mayMatchLoaded(NotAStatement.class)).isTrue();
  }

  /** Every class file of this class path's jars and test classes, the JDK packages instrumented, and a @WithSpan user. */
  static Map<String, byte[]> corpus() throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
        try (JarFile jar = new JarFile(path.toFile())) {
          for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
            JarEntry file = entries.nextElement();
            String name = file.getName();
            if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
              try (InputStream in = jar.getInputStream(file)) {
                classes.putIfAbsent(binaryName(name), in.readAllBytes());
              }
            }
          }
        }
      } else if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.walk(path)) {
          for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
            classes.putIfAbsent(binaryName(path.relativize(file).toString()), Files.readAllBytes(file));
          }
        }
      }
    }
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    for (String dir : new String[] {"java.base/java/util/concurrent", "java.sql/java/sql", "java.logging/java/util/logging",
        "java.base/sun/net/www/protocol/http", "java.base/sun/net/www/protocol/https", "jdk.httpserver/sun/net/httpserver",
        "jdk.httpserver/com/sun/net/httpserver", "java.net.http/jdk/internal/net/http"}) {
      try (Stream<Path> files = Files.list(jrt.getPath("modules", dir))) {
        for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
          String name = file.subpath(2, file.getNameCount()).toString(); // modules/<module>/a/b/C.class
          classes.putIfAbsent(binaryName(name), Files.readAllBytes(file));
        }
      }
    }
    classes.put("test.Traced", tracedClass());
    classes.put(WITH_SPAN.replace('/', '.'), withSpanAnnotation());
    return classes;
  }

  private static final String WITH_SPAN = String.join("/", "io", "opentelemetry", "instrumentation", "annotations",
      "WithSpan");

  /** The annotation type, as the application's own copy would be (this class path does not have it). */
  private static byte[] withSpanAnnotation() {
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_ANNOTATION | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
        WITH_SPAN, null, "java/lang/Object", new String[] {"java/lang/annotation/Annotation"});
    writer.visitEnd();
    return writer.toByteArray();
  }

  /** A class with one method annotated {@code @WithSpan}. */
  private static byte[] tracedClass() {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "test/Traced", null, "java/lang/Object", null);
    MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, "work", "()V", null, null);
    AnnotationVisitor annotation = method.visitAnnotation("L" + WITH_SPAN + ";", true);
    annotation.visitEnd();
    method.visitCode();
    method.visitInsn(Opcodes.RETURN);
    method.visitMaxs(0, 1);
    method.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }

  private static String binaryName(String path) {
    return path.substring(0, path.length() - ".class".length()).replace('/', '.').replace('\\', '.');
  }

  private static String internal(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private static byte[] bytes(Class<?> type) throws IOException {
    try (InputStream in = LOADER.getResourceAsStream(internal(type) + ".class")) {
      return in.readAllBytes();
    }
  }
}
