package io.sightline.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HooksTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureStderr() {
    originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(originalErr);
  }

  private List<String> lines() {
    String text = err.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
  }

  @Test
  void unregisteredIdIsANoOp() {
    assertThat(Hooks.enter(250, "self", null, null)).isNull();
    Hooks.exit(250, null, "self", null, null);
    assertThat(lines()).isEmpty();
  }

  @Test
  void enterStateTravelsToExit() {
    List<Object> exits = new ArrayList<>();
    Hooks.register(240, new Hook("test-ok") {
      @Override
      public Object enter(Object self, Object arg0, Object arg1) {
        return self + ":" + arg0;
      }

      @Override
      public void exit(Object state, Object self, Object result, Throwable thrown) {
        exits.add(state + "->" + result);
      }
    });
    Object state = Hooks.enter(240, "svc", "arg", null);
    Hooks.exit(240, state, "svc", "result", null);
    assertThat(exits).containsExactly("svc:arg->result");
  }

  @Test
  void failingHookIsReportedOnceAndDisabledButOpenStateStillExits() {
    List<Object> exits = new ArrayList<>();
    Hooks.register(241, new Hook("test-failing") {
      int calls;

      @Override
      public Object enter(Object self, Object arg0, Object arg1) {
        if (++calls == 2) {
          throw new IllegalStateException("boom");
        }
        return "open-scope";
      }

      @Override
      public void exit(Object state, Object self, Object result, Throwable thrown) {
        exits.add(state);
      }
    });
    Object first = Hooks.enter(241, null, null, null); // succeeds, opens a "scope"
    assertThat(Hooks.enter(241, null, null, null)).isNull(); // throws inside: suppressed, disabled
    assertThat(Hooks.enter(241, null, null, null)).isNull(); // disabled: not called
    Hooks.exit(241, first, null, null, null); // the open scope still gets its exit
    Hooks.exit(241, null, null, null, null); // nothing open: skipped while disabled
    assertThat(exits).containsExactly("open-scope");
    assertThat(lines()).containsExactly(
        "[sightline] WARN instrumentation test-failing failed and is now disabled: java.lang.IllegalStateException: boom");
  }

  @Test
  void anIdCanBeRegisteredOnlyOnce() {
    Hooks.register(242, new Hook("first") {});
    try {
      Hooks.register(242, new Hook("second") {});
    } catch (IllegalStateException expected) {
      assertThat(expected).hasMessageContaining("first");
      return;
    }
    throw new AssertionError("second registration accepted");
  }

  @Test
  void suppressedAdviceErrorsAreCounted() {
    long before = Hooks.suppressedCount();
    Hooks.suppressed(new RuntimeException("advice"));
    assertThat(Hooks.suppressedCount()).isEqualTo(before + 1);
  }
}
