package io.sightline.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster on a free loopback port: initdb with trust authentication, the
 * socket in a temp directory, fsync off; stopped and deleted by {@link #close}. As root the server
 * runs as the {@code postgres} user (PostgreSQL refuses root). Missing binaries fail the test
 * loudly: CI installs them ({@code .ci/run}), so a skip would hide a broken setup.
 */
final class PostgresServer implements AutoCloseable {
  static final String USER = "test";
  static final String DATABASE = "sightline";
  private static final Path BIN = Path.of(System.getProperty("sightline.pg.bin", "/usr/lib/postgresql/15/bin"));

  private final Path dir;
  private final int port;
  private final boolean root;

  private PostgresServer(Path dir, int port, boolean root) {
    this.dir = dir;
    this.port = port;
    this.root = root;
  }

  static PostgresServer start() {
    if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_ctl"))) {
      throw new AssertionError("PostgreSQL 15 binaries not found in " + BIN
          + ": install the Debian package 'postgresql' (.ci/run does) or set -Dsightline.pg.bin");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("sightline-pg");
      if (root) {
        run(List.of("chown", "postgres:postgres", dir.toString()));
      }
      int port = freePort();
      PostgresServer server = new PostgresServer(dir, port, root);
      server.runAsOwner(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
          "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"));
      server.runAsOwner(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
          "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir + " -c fsync=off -c max_connections=50",
          "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start"));
      run(List.of(BIN.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER, DATABASE));
      return server;
    } catch (IOException e) {
      throw new AssertionError("cannot start PostgreSQL: " + e, e);
    }
  }

  int port() {
    return port;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  @Override
  public void close() {
    try {
      runAsOwner(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
    } catch (RuntimeException | Error e) {
      System.err.println("PostgreSQL did not stop cleanly: " + e);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp directory is harmless
      }
    }
  }

  private void runAsOwner(List<String> command) {
    if (!root) {
      run(command);
      return;
    }
    StringBuilder shell = new StringBuilder();
    for (String part : command) {
      shell.append(shell.length() == 0 ? "" : " ").append('\'').append(part.replace("'", "'\\''")).append('\'');
    }
    run(List.of("su", "postgres", "-s", "/bin/sh", "-c", shell.toString()));
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      if (process.exitValue() != 0) {
        throw new AssertionError("failed (" + process.exitValue() + "): " + command + "\n"
            + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
