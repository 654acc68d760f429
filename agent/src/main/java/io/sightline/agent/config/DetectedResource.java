package io.sightline.agent.config;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the process can tell about where it runs, as the OpenTelemetry Java agent's resource
 * providers do: {@code service.instance.id}, {@code host.*}, {@code os.*}, {@code process.*} and
 * {@code container.id}. The on-call engineer's first question is which instance, host or pod.
 *
 * <p>Cheap on purpose (it runs at every start): no DNS lookup for the host name (the environment,
 * then {@code /etc/hostname}), no {@code SecureRandom} for the instance id (uniqueness is what
 * counts, not secrecy), two small files read under {@code /proc} for the container. The JVM's
 * command line is not recorded: it may carry secrets ({@code -Dpassword=...}).
 *
 * <p>What the user configured wins ({@code otel.resource.attributes}, {@code otel.service.*}), and
 * {@code otel.resource.disabled.keys} removes any of these too.
 */
public final class DetectedResource {
  static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");
  static final AttributeKey<String> HOST_NAME = AttributeKey.stringKey("host.name");
  static final AttributeKey<String> HOST_ARCH = AttributeKey.stringKey("host.arch");
  static final AttributeKey<String> OS_TYPE = AttributeKey.stringKey("os.type");
  static final AttributeKey<String> OS_DESCRIPTION = AttributeKey.stringKey("os.description");
  static final AttributeKey<Long> PROCESS_PID = AttributeKey.longKey("process.pid");
  static final AttributeKey<String> PROCESS_EXECUTABLE_PATH = AttributeKey.stringKey("process.executable.path");
  static final AttributeKey<String> RUNTIME_NAME = AttributeKey.stringKey("process.runtime.name");
  static final AttributeKey<String> RUNTIME_VERSION = AttributeKey.stringKey("process.runtime.version");
  static final AttributeKey<String> RUNTIME_DESCRIPTION = AttributeKey.stringKey("process.runtime.description");
  static final AttributeKey<String> CONTAINER_ID = AttributeKey.stringKey("container.id");

  /** A 64-hex-digit id in a cgroup path or a mount source: Docker, containerd, CRI-O. */
  private static final Pattern CONTAINER_ID_PATTERN = Pattern.compile("(?:^|[/:-])([0-9a-f]{64})(?:\\.scope)?(?:/|$|\\s)");

  private DetectedResource() {}

  /**
   * The detected attributes under what autoconfigure made of the configuration: a key the
   * configuration sets keeps its value; disabled keys stay out.
   */
  public static Resource under(Resource configured, ConfigProperties config) {
    Resource merged = detect(Paths.get("/")).merge(configured);
    List<String> disabled = config.getList("otel.resource.disabled.keys");
    if (disabled.isEmpty()) {
      return merged;
    }
    AttributesBuilder kept = Attributes.builder();
    merged.getAttributes().forEach((key, value) -> {
      if (!disabled.contains(key.getKey())) {
        putUnchecked(kept, key, value);
      }
    });
    return Resource.create(kept.build(), merged.getSchemaUrl());
  }

  @SuppressWarnings("unchecked")
  private static <T> void putUnchecked(AttributesBuilder builder, AttributeKey<T> key, Object value) {
    builder.put(key, (T) value);
  }

  /** @param root the file system root ({@code /}); tests pass a directory of their own */
  static Resource detect(Path root) {
    AttributesBuilder attributes = Attributes.builder();
    attributes.put(SERVICE_INSTANCE_ID, instanceId());
    String host = hostName(System.getenv(), root);
    if (host != null) {
      attributes.put(HOST_NAME, host);
    }
    String arch = arch(System.getProperty("os.arch"));
    if (arch != null) {
      attributes.put(HOST_ARCH, arch);
    }
    String osName = System.getProperty("os.name", "");
    String osType = osType(osName);
    if (osType != null) {
      attributes.put(OS_TYPE, osType);
    }
    attributes.put(OS_DESCRIPTION, (osName + " " + System.getProperty("os.version", "")).trim());
    attributes.put(PROCESS_PID, pid(root));
    String javaHome = System.getProperty("java.home");
    if (javaHome != null) {
      boolean windows = osName.toLowerCase(Locale.ROOT).startsWith("windows");
      attributes.put(PROCESS_EXECUTABLE_PATH, javaHome + (windows ? "\\bin\\java.exe" : "/bin/java"));
    }
    putIfSet(attributes, RUNTIME_NAME, System.getProperty("java.runtime.name"));
    putIfSet(attributes, RUNTIME_VERSION, System.getProperty("java.runtime.version"));
    putIfSet(attributes, RUNTIME_DESCRIPTION, String.join(" ", System.getProperty("java.vm.vendor", ""),
        System.getProperty("java.vm.name", ""), System.getProperty("java.vm.version", "")).trim());
    String container = containerId(root);
    if (container != null) {
      attributes.put(CONTAINER_ID, container);
    }
    return Resource.create(attributes.build());
  }

  /**
   * On Linux {@code /proc/self} links to the process's own directory, named after its pid: one
   * system call, where {@code ProcessHandle} initialises its native support (about 4 ms at start).
   */
  static long pid(Path root) {
    try {
      String name = root.resolve("proc/self").toFile().getCanonicalFile().getName();
      if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
        return Long.parseLong(name);
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc
    }
    return ProcessHandle.current().pid();
  }

  private static void putIfSet(AttributesBuilder attributes, AttributeKey<String> key, String value) {
    if (value != null && !value.isEmpty()) {
      attributes.put(key, value);
    }
  }

  private static String instanceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    // A version-4 layout, so that it reads as the UUID the OpenTelemetry agent sends.
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  static String hostName(Map<String, String> environment, Path root) {
    for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
      String value = environment.get(variable);
      if (value != null && !value.trim().isEmpty()) {
        return value.trim();
      }
    }
    String file = firstLine(root.resolve("etc/hostname"));
    return file == null || file.isEmpty() ? null : file;
  }

  /** The semantic conventions' names for the usual {@code os.arch} values. */
  static String arch(String osArch) {
    if (osArch == null) {
      return null;
    }
    switch (osArch) {
      case "amd64":
      case "x86_64":
        return "amd64";
      case "aarch64":
      case "arm64":
        return "arm64";
      case "x86":
      case "i386":
      case "i486":
      case "i586":
      case "i686":
        return "x86";
      case "ppc64le":
      case "ppc64":
      case "s390x":
        return osArch.startsWith("ppc") ? "ppc64" : "s390x";
      default:
        return osArch;
    }
  }

  static String osType(String osName) {
    String name = osName.toLowerCase(Locale.ROOT);
    if (name.startsWith("linux")) {
      return "linux";
    } else if (name.startsWith("windows")) {
      return "windows";
    } else if (name.startsWith("mac")) {
      return "darwin";
    } else if (name.contains("freebsd")) {
      return "freebsd";
    } else if (name.startsWith("sunos") || name.startsWith("solaris")) {
      return "solaris";
    } else if (name.startsWith("aix")) {
      return "aix";
    }
    return name.isEmpty() ? null : name;
  }

  /** From the cgroup paths (cgroup v1), else the mounts of the container's own files (v2). */
  static String containerId(Path root) {
    String id = firstMatch(root.resolve("proc/self/cgroup"), null);
    return id != null ? id : firstMatch(root.resolve("proc/self/mountinfo"), "/hostname");
  }

  private static String firstMatch(Path file, String lineMustContain) {
    try {
      String content = read(file);
      if (content == null) {
        return null;
      }
      for (String line : content.split("\n")) {
        if (lineMustContain != null && !line.contains(lineMustContain)) {
          continue;
        }
        Matcher matcher = CONTAINER_ID_PATTERN.matcher(line);
        if (matcher.find()) {
          return matcher.group(1);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not in a container we can tell, or not readable
    }
    return null;
  }

  private static String firstLine(Path file) {
    try {
      String content = read(file);
      if (content == null) {
        return null;
      }
      int end = content.indexOf('\n');
      return (end < 0 ? content : content.substring(0, end)).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A small file's content, or null when it is not there. Plain {@code java.io}, loaded long
   * before the agent: NIO's readers would load a charset decoder and more (about 3 ms at start).
   */
  private static String read(Path path) throws IOException {
    File file = path.toFile();
    if (!file.isFile() || !file.canRead()) {
      return null;
    }
    try (FileInputStream in = new FileInputStream(file)) {
      return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    }
  }
}
