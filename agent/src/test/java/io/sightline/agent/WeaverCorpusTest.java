package io.sightline.agent;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.agent.weave.CannotWeave;
import io.sightline.agent.weave.Weaver;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.SuperTypes;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * The weaver over every class file of the class filter's corpus (this test's class path and the
 * JDK packages the instrumentations name) with the agent's real instrumentations: every class the
 * rules match is woven by the weaver, not left to Byte Buddy, and ASM's own verifier accepts
 * every woven class. The JDK's classes matter most here: the JVM does not verify what its boot
 * loader defines, so a bad frame there would not show in the integration tests.
 */
class WeaverCorpusTest {
  private static final ClassLoader LOADER = WeaverCorpusTest.class.getClassLoader();
  private static final ClassLoader AGENT = new ClassLoader(null) {};

  @AfterEach
  void agentResolverBack() {
    SuperTypes.setResolver(null);
  }

  @Test
  void everyMatchedClassIsWovenAndVerifies() throws IOException {
    ClassHeaders headers = new ClassHeaders();
    SuperTypes.setResolver(headers);
    ClassFilter filter = new ClassFilter(headers, AGENT);
    for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class)) {
      for (TypeInstrumentation type : module.typeInstrumentations()) {
        List<Weaver.Advice> advice = new ArrayList<>();
        type.transform((methods, adviceClassName) -> advice.add(new Weaver.Advice(methods, adviceClassName)));
        filter.add(any(), type.typeMatcher(), module.name(), advice, () -> true);
      }
    }
    Weaver weaver = new Weaver(headers::weaverHeader, WeaverCorpusTest::read);

    Map<String, String> woven = new TreeMap<>();
    List<String> undecided = new ArrayList<>();
    Map<String, String> left = new TreeMap<>();
    for (Map.Entry<String, byte[]> entry : ClassFilterTest.corpus().entrySet()) {
      String internalName = entry.getKey().replace('.', '/');
      List<ClassFilter.Rule> matched = filter.matching(LOADER, internalName, entry.getValue());
      if (matched == null) {
        undecided.add(entry.getKey());
        continue;
      }
      List<Weaver.Advice> advice = new ArrayList<>();
      for (ClassFilter.Rule rule : matched) {
        advice.addAll(rule.advice);
      }
      if (advice.isEmpty()) {
        continue;
      }
      try {
        byte[] result = weaver.weave(LOADER, entry.getValue(), advice);
        if (result != null) {
          woven.put(entry.getKey(), verify(result));
        }
      } catch (CannotWeave e) {
        left.put(entry.getKey(), e.getMessage());
      }
    }
    assertThat(left).as("classes the weaver left to Byte Buddy").isEmpty();
    assertThat(woven).allSatisfy((name, problems) -> assertThat(problems).as(name).isEmpty());
    assertThat(woven.keySet()).contains("java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.FutureTask",
        "java.util.concurrent.CompletableFuture", "java.util.concurrent.ForkJoinTask",
        "sun.net.www.protocol.http.HttpURLConnection", "jdk.internal.net.http.HttpClientImpl",
        "com.sun.net.httpserver.Filter$Chain", "sun.net.httpserver.ServerImpl",
        org.example.filter.FilterFixtures.DriverStatement.class.getName(), "test.Traced");
    assertThat(undecided).as("classes whose matchers needed Byte Buddy's type description").isEmpty();
  }

  /** ASM's verifier's complaints about the class; empty when there are none. */
  private static String verify(byte[] classFile) {
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(classFile), LOADER, false, new PrintWriter(problems));
    return problems.toString();
  }

  private static byte[] read(String className) {
    try (InputStream in = LOADER.getResourceAsStream(className.replace('.', '/') + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
