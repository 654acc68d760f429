package io.sightline.agent;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.agent.config.UnknownSettings;
import io.sightline.agent.exporter.LazyOtlp;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Called once, reflectively, by the bootstrap launcher inside the isolated agent class loader:
 * finds the enabled instrumentation modules, then builds the SDK and registers the modules' hooks
 * on a second thread while this one installs the class transformations; returns when both are done
 * (the hooks of modules without advice are registered on that thread after premain returns).
 */
public final class AgentInstaller {
  /** {@code false}: Byte Buddy weaves every class, as before the weaver (docs/configuration.md). */
  static final String WEAVER_KEY = "sightline.startup.weaver";

  private AgentInstaller() {}

  public static void install(Instrumentation instrumentation, String agentArgs, File agentJar, boolean premain) throws Exception {
    long start = System.nanoTime();
    StartupClock clock = StartupClock.start();
    ClassLoader agentLoader = AgentInstaller.class.getClassLoader();
    String version = version();
    UnknownSettings.warnIfAny();

    // The SDK (autoconfigure, exporters) and the transformer need nothing from each other: the SDK
    // is built on a thread of its own, started first, since it is the longer of the two. It then
    // registers the modules' hooks. Advice that runs before its hook is registered finds no hook
    // and does nothing (Hooks.enter/exit), and nothing of the application runs before premain
    // returns. A module without advice (runtime metrics) registers after premain returns: no advice
    // waits for its hooks, and what it registers is first read when metrics are collected.
    Set<InstrumentationModule> failed = ConcurrentHashMap.newKeySet();
    CompletableFuture<List<InstrumentationModule>> modulesFound = new CompletableFuture<>();
    StartupClock[] sdkClock = new StartupClock[1];
    List<InstrumentationModule> unadvised = new ArrayList<>();
    FutureTask<AgentTelemetry> sdkTask = new FutureTask<>(() -> {
      StartupClock threadClock = StartupClock.start();
      sdkClock[0] = threadClock;
      AgentTelemetry started = AgentTelemetry.start(agentLoader, version);
      threadClock.lap("sdk");
      List<InstrumentationModule> advised = new ArrayList<>();
      for (InstrumentationModule module : modulesFound.join()) {
        (module.typeInstrumentations().isEmpty() ? unadvised : advised).add(module);
      }
      registerHooks(advised, started.openTelemetry(), instrumentation, failed);
      threadClock.lap("modules");
      return started;
    });
    Thread sdkThread = new Thread(() -> {
      sdkTask.run();
      AgentTelemetry started = startedOrNull(sdkTask);
      if (started != null) {
        registerHooks(unadvised, started.openTelemetry(), instrumentation, failed);
      }
    }, "sightline-start");
    sdkThread.setDaemon(true);
    sdkThread.start();

    List<InstrumentationModule> candidates = new ArrayList<>();
    try {
      for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class, agentLoader)) {
        if (Settings.isInstrumentationEnabled(module.name(), module.defaultEnabled())) {
          candidates.add(module);
        } else {
          AgentLog.debug("instrumentation " + module.name() + " is disabled");
        }
      }
    } finally {
      modulesFound.complete(candidates); // the SDK thread never waits forever
    }
    clock.lap("modules found");

    // At premain only: on a late attach the application's classes are already loaded, and which of
    // them to retransform is Byte Buddy's to decide.
    TransformCache cache = premain ? TransformCache.fromSettings(version, agentJar) : null;
    InstrumentationInstaller installer = new InstrumentationInstaller();
    // A module whose hooks failed to register is matched no more (types it transformed in the
    // meantime only carry advice that finds no hook).
    // The weaver at premain; on a late attach, which loaded classes to retransform is Byte Buddy's to decide.
    boolean weave = premain && Settings.getBoolean(WEAVER_KEY, true);
    AutoCloseable transformer = installer.install(instrumentation, candidates, agentLoader, module -> !failed.contains(module),
        cache, weave, clock);
    clock.lap("byte buddy install");
    if (cache != null) {
      cache.scheduleWrites();
      AgentLog.debug("startup cache: " + cache.storedCount() + " classes in " + cache.file() + ", "
          + cache.hits() + " answered during premain");
    }

    AgentTelemetry telemetry;
    try {
      telemetry = join(sdkTask);
    } catch (Throwable t) {
      // Same outcome as before the SDK had a thread of its own: nothing of the agent stays installed.
      transformer.close();
      throw t;
    }
    clock.lap("waiting for the sdk");
    Set<String> names = new LinkedHashSet<>();
    for (InstrumentationModule module : candidates) {
      if (!failed.contains(module)) {
        names.add(module.name());
      }
    }

    long shutdownTimeout = Settings.getDurationMillis("sightline.shutdown.timeout", 5000);
    Thread flush = new Thread(() -> {
      // The JVM is exiting: one attempt per export, no backoff (LazyOtlp.shuttingDown).
      LazyOtlp.shuttingDown();
      telemetry.shutdown(shutdownTimeout);
    }, "sightline-shutdown");
    Runtime.getRuntime().addShutdownHook(flush);

    AgentLog.info("Sightline " + version + " started in " + (System.nanoTime() - start) / 1_000_000 + " ms ("
        + (premain ? "premain" : "attached") + "): " + telemetry.summary() + ", instrumentations=" + names);
    clock.report(sdkClock[0]);
  }

  private static void registerHooks(List<InstrumentationModule> modules, OpenTelemetry openTelemetry,
      Instrumentation instrumentation, Set<InstrumentationModule> failed) {
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
    for (InstrumentationModule module : modules) {
      try {
        module.registerHooks(context);
      } catch (Throwable t) {
        failed.add(module);
        AgentLog.warn("instrumentation " + module.name() + " failed to initialise and is disabled: " + t);
      }
    }
  }

  /** The task's telemetry, null if it failed (premain reports that). */
  private static AgentTelemetry startedOrNull(FutureTask<AgentTelemetry> sdkTask) {
    try {
      return sdkTask.get();
    } catch (ExecutionException | InterruptedException | CancellationException e) {
      return null;
    }
  }

  private static AgentTelemetry join(FutureTask<AgentTelemetry> sdkTask) throws Exception {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return sdkTask.get();
        } catch (InterruptedException e) {
          interrupted = true; // premain must not return before the SDK is ready
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Exception) {
            throw (Exception) cause;
          }
          throw (Error) cause;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String version() {
    Package pkg = io.sightline.bootstrap.AgentLog.class.getPackage();
    String version = pkg == null ? null : pkg.getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
