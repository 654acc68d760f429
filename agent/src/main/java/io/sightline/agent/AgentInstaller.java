package io.sightline.agent;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.bootstrap.AgentLog;
import io.sightline.instrumentation.api.AgentContext;
import io.sightline.instrumentation.api.InstrumentationModule;
import io.sightline.instrumentation.api.Settings;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.ServiceLoader;

/**
 * Called once, reflectively, by the bootstrap launcher inside the isolated agent class loader:
 * starts the SDK, registers the hooks of every enabled instrumentation module, then installs the
 * class transformations.
 */
public final class AgentInstaller {
  private AgentInstaller() {}

  public static void install(Instrumentation instrumentation, String agentArgs, File agentJar, boolean premain) throws Exception {
    long start = System.nanoTime();
    StartupClock clock = StartupClock.start();
    ClassLoader agentLoader = AgentInstaller.class.getClassLoader();
    String version = version();

    AgentTelemetry telemetry = AgentTelemetry.start(agentLoader, version);
    clock.lap("sdk");
    OpenTelemetry openTelemetry = telemetry.openTelemetry();
    AgentContext context = new AgentContext() {
      @Override
      public OpenTelemetry openTelemetry() {
        return openTelemetry;
      }

      @Override
      public Instrumentation instrumentation() {
        return instrumentation;
      }
    };

    List<InstrumentationModule> enabled = new ArrayList<>();
    // A set: one instrumentation may be several modules (servlet: javax and jakarta).
    Set<String> names = new LinkedHashSet<>();
    for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class, agentLoader)) {
      if (!Settings.isInstrumentationEnabled(module.name(), module.defaultEnabled())) {
        AgentLog.debug("instrumentation " + module.name() + " is disabled");
        continue;
      }
      try {
        module.registerHooks(context);
        enabled.add(module);
        names.add(module.name());
      } catch (Throwable t) {
        AgentLog.warn("instrumentation " + module.name() + " failed to initialise and is disabled: " + t);
      }
    }
    clock.lap("modules");
    InstrumentationInstaller installer = new InstrumentationInstaller();
    installer.install(instrumentation, enabled, agentLoader);
    clock.lap("byte buddy");

    long shutdownTimeout = Settings.getDurationMillis("sightline.shutdown.timeout", 5000);
    Thread flush = new Thread(() -> telemetry.shutdown(shutdownTimeout), "sightline-shutdown");
    Runtime.getRuntime().addShutdownHook(flush);

    AgentLog.info("Sightline " + version + " started in " + (System.nanoTime() - start) / 1_000_000 + " ms ("
        + (premain ? "premain" : "attached") + "): " + telemetry.summary() + ", instrumentations=" + names);
    clock.report();
  }

  static String version() {
    Package pkg = io.sightline.bootstrap.AgentLog.class.getPackage();
    String version = pkg == null ? null : pkg.getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
