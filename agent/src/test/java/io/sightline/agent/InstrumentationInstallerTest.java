package io.sightline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.TypeInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstrumentationInstallerTest {
  @Test
  void jdkClassesAskedForAreLoadedAndThoseThisJdkLacksAreSkipped() {
    InstrumentationModule module = new InstrumentationModule("test") {
      @Override
      public List<String> jdkClassesToLoadFirst() {
        return Arrays.asList("java.util.concurrent.ForkJoinTask", "java.util.concurrent.NoSuchExecutor",
            "java.util.concurrent.FutureTask");
      }

      @Override
      public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.emptyList();
      }

      @Override
      public void registerHooks(AgentContext context) {}
    };

    assertThat(InstrumentationInstaller.loadJdkClassesFirst(List.of(module)))
        .containsExactly("java.util.concurrent.ForkJoinTask", "java.util.concurrent.FutureTask");
  }
}
