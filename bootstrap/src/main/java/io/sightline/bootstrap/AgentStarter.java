package io.sightline.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * Loaded from the bootstrap search path (public: the launcher that calls it was loaded by another
 * class loader, so the package is not the same runtime package); creates the isolated agent class loader and hands over
 * to the agent's installer. Nothing here may ever throw into the application.
 */
public final class AgentStarter {
  private static final String INSTALLER = "io.sightline.agent.AgentInstaller";

  private AgentStarter() {}

  /**
   * Runs a command of the agent jar ({@code java -jar sightline-agent.jar diagnose ...}): calls
   * {@code public static int run(String[])} of {@code className} in the agent class loader and
   * returns its exit code (1 when it cannot be run).
   */
  public static int runCommand(String className, String[] args) {
    try {
      File agentJar = new File(AgentStarter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      AgentClassLoader loader = new AgentClassLoader(new JarFile(agentJar, false), agentJar);
      Object exitCode = loader.loadClass(className).getMethod("run", String[].class).invoke(null, (Object) args);
      return (Integer) exitCode;
    } catch (Throwable t) {
      Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
      System.err.println("sightline: " + className + " failed: " + cause);
      cause.printStackTrace();
      return 1;
    }
  }

  public static void start(String agentArgs, Instrumentation inst, File agentJar, boolean premain) {
    try {
      AgentLog.setDebug(AgentSettings.getBoolean("otel.javaagent.debug", false));
      if (!AgentSettings.getBoolean("otel.javaagent.enabled", true)) {
        AgentLog.debug("otel.javaagent.enabled=false: nothing installed");
        return;
      }
      AgentClassLoader loader = new AgentClassLoader(new JarFile(agentJar, false), agentJar);
      Class<?> installer = loader.loadClass(INSTALLER);
      installer
          .getMethod("install", Instrumentation.class, String.class, File.class, boolean.class)
          .invoke(null, inst, agentArgs, agentJar, premain);
    } catch (Throwable t) {
      Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
      AgentLog.warn("failed to start, the application runs without Sightline: " + cause);
      if (AgentLog.isDebug()) {
        cause.printStackTrace();
      }
    }
  }
}
