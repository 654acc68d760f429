package io.sightline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code prometheus} package: {@code promtool} and the server. Missing on a developer
 * machine: the test is skipped; missing on CI ({@code CI} set, as {@code .ci/run} does): it fails.
 */
final class Tools {
  private Tools() {}

  record Result(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }
  }

  static Path require(String tool) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, tool))) {
        return Paths.get(dir, tool);
      }
    }
    String ci = System.getenv("CI");
    if (ci != null && !ci.isEmpty() && !"false".equals(ci)) {
      throw new AssertionError(tool + " is not installed, but CI requires it: apt-get install prometheus");
    }
    Assumptions.abort(tool + " is not installed (apt-get install prometheus); skipped outside CI");
    return null;
  }

  /** Runs a tool with a bounded wait, stdin from {@code input} when not null. */
  static Result run(String input, Path workDir, String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(cmd);
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    try {
      Path out = Files.createTempFile("tool", ".out");
      Path err = Files.createTempFile("tool", ".err");
      builder.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process process = builder.start();
      if (input != null) {
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return result;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
