package io.sightline.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectedResourceTest {
  private static final String ID = "0c5f6bd0e2d0f7a6d1a13b8e86e1e2b1c4f4e0b8d3a6a9c2f1e0d9c8b7a6f5e4";

  @TempDir
  Path root;

  private void write(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  @Test
  void describesThisProcessAndItsHost() {
    Attributes detected = DetectedResource.detect(root).getAttributes();
    assertThat(detected.get(DetectedResource.SERVICE_INSTANCE_ID))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(detected.get(DetectedResource.PROCESS_PID)).isEqualTo(ProcessHandle.current().pid());
    assertThat(detected.get(DetectedResource.OS_TYPE)).isEqualTo("linux");
    assertThat(detected.get(DetectedResource.HOST_ARCH)).isIn("amd64", "arm64");
    assertThat(detected.get(DetectedResource.RUNTIME_VERSION)).isEqualTo(System.getProperty("java.runtime.version"));
    assertThat(detected.get(DetectedResource.PROCESS_EXECUTABLE_PATH)).isEqualTo(System.getProperty("java.home") + "/bin/java");
    assertThat(detected.get(DetectedResource.CONTAINER_ID)).as("no /proc under this root").isNull();
    assertThat(detected.asMap().keySet()).extracting(AttributeKey::getKey).noneMatch(k -> k.contains("command"));
    assertThat(DetectedResource.detect(root).getAttributes().get(DetectedResource.SERVICE_INSTANCE_ID))
        .as("a new id per start").isNotEqualTo(detected.get(DetectedResource.SERVICE_INSTANCE_ID));
  }

  @Test
  void thePidIsWhereProcSelfLeads() throws IOException {
    assertThat(DetectedResource.pid(root)).as("no /proc: ProcessHandle").isEqualTo(ProcessHandle.current().pid());
    Files.createDirectories(root.resolve("proc/4242"));
    Files.createSymbolicLink(root.resolve("proc/self"), root.resolve("proc/4242"));
    assertThat(DetectedResource.pid(root)).isEqualTo(4242L);
    assertThat(DetectedResource.pid(java.nio.file.Paths.get("/"))).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void hostNameFromTheEnvironmentElseTheHostnameFile() throws IOException {
    assertThat(DetectedResource.hostName(Map.of(), root)).isNull();
    write("etc/hostname", "web-7\n");
    assertThat(DetectedResource.hostName(Map.of(), root)).isEqualTo("web-7");
    assertThat(DetectedResource.hostName(Map.of("HOSTNAME", "orders-5d9c7-x2l"), root)).isEqualTo("orders-5d9c7-x2l");
  }

  @Test
  void containerIdFromCgroupV1Paths() throws IOException {
    write("proc/self/cgroup", "12:pids:/docker/" + ID + "\n11:memory:/docker/" + ID + "\n");
    assertThat(DetectedResource.containerId(root)).isEqualTo(ID);
    write("proc/self/cgroup", "0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + ID + ".scope\n");
    assertThat(DetectedResource.containerId(root)).isEqualTo(ID);
  }

  @Test
  void containerIdFromTheMountsOfCgroupV2() throws IOException {
    write("proc/self/cgroup", "0::/\n");
    write("proc/self/mountinfo", "612 590 0:52 / / rw,relatime - overlay overlay rw\n"
        + "640 612 254:1 /var/lib/docker/containers/" + ID + "/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw\n");
    assertThat(DetectedResource.containerId(root)).isEqualTo(ID);
  }

  @Test
  void theConfigurationWinsAndDisabledKeysStayOut() {
    Resource configured = Resource.create(Attributes.of(AttributeKey.stringKey("host.name"), "configured-host",
        AttributeKey.stringKey("service.name"), "orders"));
    Resource result = DetectedResource.under(configured, DefaultConfigProperties.createFromMap(
        Map.of("otel.resource.disabled.keys", "process.pid,os.description")));
    assertThat(result.getAttribute(AttributeKey.stringKey("host.name"))).isEqualTo("configured-host");
    assertThat(result.getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("orders");
    assertThat(result.getAttribute(DetectedResource.PROCESS_PID)).isNull();
    assertThat(result.getAttribute(DetectedResource.OS_DESCRIPTION)).isNull();
    assertThat(result.getAttribute(DetectedResource.OS_TYPE)).isEqualTo("linux");
  }

  @Test
  void architecturesAndSystemsAsTheConventionsNameThem() {
    assertThat(DetectedResource.arch("x86_64")).isEqualTo("amd64");
    assertThat(DetectedResource.arch("aarch64")).isEqualTo("arm64");
    assertThat(DetectedResource.osType("Mac OS X")).isEqualTo("darwin");
    assertThat(DetectedResource.osType("Windows Server 2022")).isEqualTo("windows");
  }
}
