package io.sightline.benchmarks.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A way to start the app: no agent, or an agent jar, always with the same OpenTelemetry settings. */
record AgentConfig(String name, Path agentJar) {
  List<String> jvmArgs(String sinkEndpoint) {
    List<String> args = new ArrayList<>();
    if (agentJar == null) {
      return args;
    }
    args.add("-javaagent:" + agentJar);
    // The same standard settings for every agent: both read otel.* identically.
    args.add("-Dotel.service.name=benchmark-app");
    args.add("-Dotel.exporter.otlp.endpoint=" + sinkEndpoint);
    args.add("-Dotel.exporter.otlp.protocol=http/protobuf");
    args.add("-Dotel.traces.exporter=otlp");
    args.add("-Dotel.metrics.exporter=otlp");
    args.add("-Dotel.logs.exporter=otlp");
    return args;
  }

  long jarBytes() {
    return agentJar == null ? 0 : agentJar.toFile().length();
  }
}
