package io.sightline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent jar: nothing the application could load except the bootstrap bridge, every
 * bundled dependency relocated under io.sightline.shaded, and the manifest a JVM needs.
 */
class AgentJarIT {
  private static Path jar;
  private static List<String> entries;

  @BeforeAll
  static void open() throws IOException {
    jar = Paths.get(System.getProperty("sightline.agent.jar", "target/sightline-agent.jar"));
    assertThat(jar).isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = new ArrayList<>(Collections.list(file.entries()).stream().map(e -> e.getName()).toList());
    }
  }

  @Test
  void onlyTheBootstrapBridgeIsLoadableClassFiles() {
    List<String> classes = entries.stream().filter(e -> e.endsWith(".class")).toList();
    assertThat(classes).isNotEmpty().allMatch(e -> e.startsWith("io/sightline/bootstrap/"), "in io/sightline/bootstrap/");
  }

  @Test
  void everythingElseIsSightlineOrRelocatedAndHiddenAsClassdata() {
    List<String> hidden = entries.stream().filter(e -> e.endsWith(".classdata")).toList();
    assertThat(hidden).hasSizeGreaterThan(1000)
        .allMatch(e -> e.startsWith("inst/io/sightline/"), "under inst/io/sightline/");
    assertThat(hidden).anyMatch(e -> e.startsWith("inst/io/sightline/shaded/io/opentelemetry/sdk/"))
        .anyMatch(e -> e.startsWith("inst/io/sightline/shaded/net/bytebuddy/"))
        .noneMatch(e -> e.startsWith("inst/io/sightline/bootstrap/"));
  }

  @Test
  void noOtherTopLevelEntries() {
    assertThat(entries).allMatch(e -> e.startsWith("inst/") || e.startsWith("io/sightline/") || e.equals("io/")
        || e.startsWith("META-INF/"), "inside inst/, io/sightline/ or META-INF/");
    assertThat(entries.stream().filter(e -> e.startsWith("META-INF/") && !e.endsWith("/")))
        .containsExactly("META-INF/MANIFEST.MF");
  }

  @Test
  void serviceFilesNameRelocatedTypes() {
    List<String> services = entries.stream().filter(e -> e.startsWith("inst/META-INF/services/") && !e.endsWith("/")).toList();
    assertThat(services).isNotEmpty()
        .allMatch(e -> e.startsWith("inst/META-INF/services/io.sightline."), "relocated service names");
  }

  @Test
  void manifestMakesItAnAgent() throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Premain-Class")).isEqualTo("io.sightline.bootstrap.SightlineAgent");
      assertThat(manifest.getMainAttributes().getValue("Agent-Class")).isEqualTo("io.sightline.bootstrap.SightlineAgent");
      assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("io.sightline.bootstrap.SightlineAgent");
      assertThat(manifest.getMainAttributes().getValue("Can-Retransform-Classes")).isEqualTo("true");
    }
  }

  @Test
  void jarStaysSmall() throws IOException {
    assertThat(Files.size(jar)).isLessThan(8L * 1024 * 1024);
  }
}
