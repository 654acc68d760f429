package io.sightline.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.jar.JarFile;

/**
 * Entry point named in the agent jar's manifest ({@code Premain-Class}, {@code Agent-Class},
 * {@code Main-Class}).
 *
 * <p>This class is loaded by the system class loader, because {@code -javaagent} puts the jar on
 * the class path. The first thing it does is append the jar to the bootstrap search path; every
 * other {@code io.sightline.bootstrap} class it touches afterwards then resolves, by parent-first
 * delegation, to the single bootstrap copy that inlined advice also sees.
 */
public final class SightlineAgent {
  private static final String DIAGNOSE = "io.sightline.agent.diagnose.DiagnoseCommand";
  private static boolean started;

  private SightlineAgent() {}

  public static void premain(String agentArgs, Instrumentation inst) {
    start(agentArgs, inst, true);
  }

  public static void agentmain(String agentArgs, Instrumentation inst) {
    start(agentArgs, inst, false);
  }

  public static void main(String[] args) {
    if (args.length > 0 && "diagnose".equals(args[0])) {
      System.exit(AgentStarter.runCommand(DIAGNOSE, Arrays.copyOfRange(args, 1, args.length)));
    }
    String version = SightlineAgent.class.getPackage().getImplementationVersion();
    System.out.println("Sightline " + (version == null ? "(development build)" : version)
        + " - a Java agent for traces, metrics and logs through OpenTelemetry.");
    System.out.println();
    System.out.println("Attach it to any JVM application (Java 11 or newer):");
    System.out.println("  java -javaagent:sightline-agent.jar -Dotel.service.name=orders -jar app.jar");
    System.out.println("or, in a container, with no change to the start command:");
    System.out.println("  JAVA_TOOL_OPTIONS=-javaagent:/sightline/sightline-agent.jar OTEL_SERVICE_NAME=orders");
    System.out.println();
    System.out.println("Settings are the OpenTelemetry Java agent's (otel.*, OTEL_*) plus sightline.*;");
    System.out.println("the full reference is docs/configuration.md in the Sightline repository.");
    System.out.println("Common ones:");
    System.out.println("  otel.exporter.otlp.endpoint   where to send OTLP (default http://localhost:4318)");
    System.out.println("  otel.traces.exporter          otlp | console | otlp-file | none (comma list)");
    System.out.println("  otel.metrics.exporter         otlp | console | otlp-file | prometheus | none");
    System.out.println("  otel.logs.exporter            otlp | console | otlp-file | none");
    System.out.println("  sightline.otlp-file.path      file for otlp-file (default sightline-telemetry.jsonl)");
    System.out.println("  otel.javaagent.enabled=false  install nothing");
    System.out.println();
    System.out.println("Why is it slow? Per route counts, errors, p50/p99 and where the slowest requests spent");
    System.out.println("their time, from otlp-file output (docs/diagnose.md):");
    System.out.println("  java -jar sightline-agent.jar diagnose FILE [--json]");
  }

  private static synchronized void start(String agentArgs, Instrumentation inst, boolean premain) {
    if (started) {
      return;
    }
    started = true;
    File agentJar;
    try {
      agentJar = new File(SightlineAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      inst.appendToBootstrapClassLoaderSearch(new JarFile(agentJar));
    } catch (URISyntaxException | java.io.IOException | RuntimeException e) {
      System.err.println("[sightline] WARN cannot locate the agent jar, the application runs without Sightline: " + e);
      return;
    }
    try {
      AgentStarter.start(agentArgs, inst, agentJar, premain);
    } catch (Throwable t) {
      System.err.println("[sightline] WARN failed to start, the application runs without Sightline: " + t);
    }
  }
}
