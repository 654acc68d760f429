package io.sightline.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the built artifacts are: the agent jar and the test app jars. */
public final class Project {
  private Project() {}

  public static Path root() {
    String configured = System.getProperty("sightline.root");
    if (configured != null && Files.isDirectory(Paths.get(configured, "agent"))) {
      return Paths.get(configured).toAbsolutePath();
    }
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("agent/pom.xml")) && Files.isDirectory(dir.resolve("test-apps"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("cannot find the Sightline project root from " + Paths.get("").toAbsolutePath());
  }

  public static Path agentJar() {
    Path jar = root().resolve("agent/target/sightline-agent.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn package first");
    }
    return jar;
  }

  /** {@code test-apps/<module>/target/<module>.jar}. */
  public static Path appJar(String module) {
    Path jar = root().resolve("test-apps").resolve(module).resolve("target").resolve(module + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn package first");
    }
    return jar;
  }

  /** The java launcher for test apps: {@code sightline.it.java}, else this JVM's. */
  public static String java() {
    String configured = System.getProperty("sightline.it.java");
    if (configured != null && !configured.isBlank() && Files.isExecutable(Paths.get(configured))) {
      return configured;
    }
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }
}
