package io.sightline.agent.exporter;

import io.sightline.bootstrap.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One append-only file shared by the exporters of all signals. Each exporter writes through its
 * own {@link #newLineStream() line stream}, which hands over whole lines only, so lines from
 * different signals never interleave.
 */
final class LineFile {
  private static final ConcurrentMap<Path, LineFile> FILES = new ConcurrentHashMap<>();

  private final Path path;
  private OutputStream out;
  private boolean failed;

  private LineFile(Path path) {
    this.path = path;
  }

  static LineFile forPath(String path) {
    return FILES.computeIfAbsent(Paths.get(path).toAbsolutePath().normalize(), LineFile::new);
  }

  Path path() {
    return path;
  }

  OutputStream newLineStream() {
    return new LineStream();
  }

  private synchronized void writeLine(byte[] bytes, int length) {
    if (failed) {
      return;
    }
    try {
      if (out == null) {
        Path parent = path.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        out = new FileOutputStream(path.toFile(), true);
      }
      out.write(bytes, 0, length);
    } catch (IOException e) {
      failed = true;
      AgentLog.warn("cannot write telemetry to " + path + ": " + e + "; the otlp-file exporter stops");
    }
  }

  private final class LineStream extends OutputStream {
    private final Buffer buffer = new Buffer();

    @Override
    public void write(int b) {
      buffer.write(b);
      if (b == '\n') {
        drain();
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.write(bytes, offset, length);
      for (int i = offset + length - 1; i >= offset; i--) {
        if (bytes[i] == '\n') {
          drain();
          return;
        }
      }
    }

    @Override
    public void flush() {
      // A partial line stays buffered until its newline arrives.
    }

    @Override
    public void close() {
      if (buffer.size() > 0) {
        buffer.write('\n');
        drain();
      }
    }

    private void drain() {
      writeLine(buffer.bytes(), buffer.size());
      buffer.reset();
    }
  }

  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(8192);
    }

    byte[] bytes() {
      return buf;
    }
  }
}
