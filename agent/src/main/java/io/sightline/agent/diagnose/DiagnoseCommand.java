package io.sightline.agent.diagnose;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * {@code java -jar sightline-agent.jar diagnose [--json] FILE}: why is this slow? Reads a file of
 * OTLP-JSON lines (the {@code otlp-file} exporter's output) and reports per route the request
 * count, error rate and p50/p99, and for the slowest requests where the time went. See
 * docs/diagnose.md.
 *
 * <p>Runs in the agent class loader but outside any agent: the bootstrap classes are not on the
 * bootstrap path then, so nothing here may use them (AgentLog, AgentSettings).
 */
public final class DiagnoseCommand {
  static final String USAGE = "usage: java -jar sightline-agent.jar diagnose [--json] FILE\n"
      + "  FILE    OTLP-JSON lines, as the otlp-file exporter writes them (sightline-telemetry.jsonl)\n"
      + "  --json  machine-readable output";

  private DiagnoseCommand() {}

  /** Called reflectively by the launcher; returns the exit code. */
  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream stdout, PrintStream stderr) {
    boolean json = false;
    String file = null;
    for (String arg : args) {
      if ("--json".equals(arg)) {
        json = true;
      } else if ("-h".equals(arg) || "--help".equals(arg)) {
        stdout.println(USAGE);
        return 0;
      } else if (arg.startsWith("-") || file != null) {
        stderr.println("sightline diagnose: unexpected argument '" + arg + "'");
        stderr.println(USAGE);
        return 2;
      } else {
        file = arg;
      }
    }
    if (file == null) {
      stderr.println("sightline diagnose: no FILE given");
      stderr.println(USAGE);
      return 2;
    }
    Path path;
    try {
      path = Paths.get(file);
    } catch (InvalidPathException e) {
      stderr.println("sightline diagnose: invalid file name '" + file + "': " + e.getReason());
      return 2;
    }
    if (!Files.exists(path)) {
      stderr.println("sightline diagnose: " + path + ": no such file");
      return 2;
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      stderr.println("sightline diagnose: " + path + ": not a readable file");
      return 2;
    }
    Diagnosis diagnosis;
    try {
      diagnosis = Diagnosis.of(path);
    } catch (IOException e) {
      stderr.println("sightline diagnose: cannot read " + path + ": " + e);
      return 2;
    }
    OtlpJsonLines.Summary summary = diagnosis.summary;
    if (summary.malformed > 0) {
      stderr.println("sightline diagnose: warning: skipped " + SlowRequests.count(summary.malformed, "malformed line")
          + " (first: line " + summary.firstMalformedLine + ": " + summary.firstMalformedReason + ")");
    }
    PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), false);
    try {
      if (json) {
        JsonReport.write(diagnosis, out);
      } else {
        TextReport.write(diagnosis, out);
      }
    } catch (IOException e) {
      stderr.println("sightline diagnose: cannot write the report: " + e);
      return 1;
    }
    out.flush();
    return 0;
  }
}
