package io.sightline.agent;

import io.sightline.bootstrap.AgentLog;
import io.sightline.bootstrap.AgentSettings;
import io.sightline.instrumentation.api.Settings;
import java.io.File;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * What the class transformer did with each class file, kept on disk between starts
 * ({@value #DIR_KEY}): the woven bytes of the classes it instrumented, and the names of those it
 * left unchanged, each under a 64-bit checksum of the class file it was given.
 *
 * <p>The transformer's output is a function of the class file, the agent and its settings, and the
 * JVM (whose own classes are among those instrumented); the file is named after all of those, so a
 * new agent, other settings or another JVM start from an empty cache. A class file the cache has
 * not seen, or whose checksum differs (a new version of a library), goes to Byte Buddy as without
 * a cache, and its outcome is added. The file is rewritten, atomically, when something was added:
 * {@value #FIRST_WRITE_SECONDS} s after the agent started, then every {@value #LATER_WRITE_SECONDS}
 * s, and at shutdown. It then holds the outcomes this run used or added, and those of earlier runs
 * for {@value #MAX_AGE} rewrites: entries of classes that no longer load (generated names, removed
 * libraries) are dropped rather than accumulated.
 *
 * <p>A file that cannot be read, is truncated or corrupt (its CRC does not match) or was written
 * for another key is ignored: the start is a cold one, never a failed one.
 */
final class TransformCache {
  static final String DIR_KEY = "sightline.startup.cache.dir";
  static final int FIRST_WRITE_SECONDS = 30;
  static final int LATER_WRITE_SECONDS = 300;
  /** What {@link #lookup} answers for a class file the transformer leaves unchanged. */
  static final byte[] UNCHANGED = new byte[0];
  static final int MAX_ENTRIES = 200_000;
  static final long MAX_BYTES = 256L << 20;
  /**
   * The checksum under which a JDK class (a named module of the boot or platform loader) is kept:
   * the JVM is part of the key, so its name stands for one class file. A class retransformed at
   * install is handed over as the JVM rebuilt it, not as it was first loaded, so its checksum would
   * not match the class file a later start loads.
   */
  private static final long ANY_JDK_CLASS_FILE = 0;
  /** An entry whose class file no run loaded is dropped at this many rewrites of the file. */
  static final int MAX_AGE = 3;

  private static final int MAGIC = 0x534c5443; // "SLTC"
  private static final int FORMAT = 1;

  private final Path file;
  private final String key;
  private final Map<String, Entry> stored;
  private final ConcurrentHashMap<String, Entry> used = new ConcurrentHashMap<>();
  private final AtomicLong usedBytes = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong added = new AtomicLong();
  private volatile boolean dirty;
  private volatile boolean full;
  private volatile boolean writeWarned;

  /**
   * One outcome: the class file's checksum and the woven bytes, or null when left unchanged; its
   * age is the number of rewrites of the file since a run last loaded that class file.
   */
  private static final class Entry {
    final long checksum;
    final byte[] output;
    final int age;
    final Entry next; // the same name with another class file (two versions in two loaders)

    Entry(long checksum, byte[] output, int age, Entry next) {
      this.checksum = checksum;
      this.output = output;
      this.age = age;
      this.next = next;
    }

    Entry find(long sum) {
      for (Entry e = this; e != null; e = e.next) {
        if (e.checksum == sum) {
          return e;
        }
      }
      return null;
    }
  }

  /**
   * The cache named by {@value #DIR_KEY}, or null when that setting is empty. The key is everything
   * the transformer's output depends on besides the class file: this agent's build, the JVM, and
   * every agent setting (system properties, environment variables and the configuration file).
   */
  static TransformCache fromSettings(String agentVersion, File agentJar) {
    String dir = AgentSettings.get(DIR_KEY);
    if (dir == null || dir.isEmpty()) {
      return null;
    }
    StringBuilder key = new StringBuilder("agent=").append(agentVersion);
    if (agentJar != null) {
      key.append(' ').append(agentJar.length()).append(' ').append(agentJar.lastModified());
    }
    key.append("\njvm=").append(System.getProperty("java.home")).append(' ')
        .append(System.getProperty("java.vm.vendor")).append(' ').append(System.getProperty("java.vm.version"));
    Map<String, String> settings = new TreeMap<>(AgentSettings.fileProperties());
    for (String name : System.getProperties().stringPropertyNames()) {
      if (isAgentSetting(name.toLowerCase(Locale.ROOT))) {
        settings.put(name, System.getProperty(name));
      }
    }
    for (Map.Entry<String, String> env : System.getenv().entrySet()) {
      if (isAgentSetting(env.getKey().toLowerCase(Locale.ROOT).replace('_', '.'))) {
        settings.put("env:" + env.getKey(), env.getValue());
      }
    }
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      key.append('\n').append(setting.getKey()).append('=').append(setting.getValue());
    }
    Path path;
    try {
      path = Paths.get(dir);
    } catch (RuntimeException e) {
      Settings.warnInvalid(DIR_KEY, dir, "no startup cache");
      return null;
    }
    if (writableByOthers(path)) {
      // The file holds bytecode the agent puts into the application's classes.
      AgentLog.warn("startup cache: " + path + " is writable by other users (or its permissions cannot be read), so"
          + " it is not used: whoever can write there could change the application's classes; use a directory only"
          + " the application's user can write");
      return null;
    }
    return open(path, key.toString());
  }

  /**
   * Whether users other than the owner may write to the directory, or its permissions cannot be
   * read (then it is refused too). A file system without POSIX permissions has nothing to check.
   */
  static boolean writableByOthers(Path dir) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
      return permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (NoSuchFileException e) {
      return false; // created owner-only at the first write
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (IOException | SecurityException e) {
      return true;
    }
  }

  private static boolean isAgentSetting(String dotted) {
    return dotted.startsWith("otel.") || dotted.startsWith("sightline.");
  }

  /**
   * Writes what was added {@value #FIRST_WRITE_SECONDS} s from now, then every
   * {@value #LATER_WRITE_SECONDS} s, and at shutdown, on a daemon thread of its own.
   */
  void scheduleWrites() {
    Thread writer = new Thread(() -> {
      try {
        Thread.sleep(FIRST_WRITE_SECONDS * 1000L);
        while (true) {
          writeIfChanged();
          Thread.sleep(LATER_WRITE_SECONDS * 1000L);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sightline-startup-cache");
    writer.setDaemon(true);
    writer.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      AgentLog.debug("startup cache: " + hits.get() + " classes answered from " + file + ", " + added.get() + " added");
      writeIfChanged();
    }, "sightline-startup-cache-exit"));
  }

  private TransformCache(Path file, String key, Map<String, Entry> stored) {
    this.file = file;
    this.key = key;
    this.stored = stored;
  }

  /**
   * The cache for {@code key} in {@code dir}: what an earlier run stored there, or empty when there
   * is no such file or it cannot be used (one debug line says why).
   */
  static TransformCache open(Path dir, String key) {
    Path file = dir.resolve("transforms-" + Long.toHexString(checksum(key.getBytes(StandardCharsets.UTF_8))) + ".bin");
    Map<String, Entry> stored = Collections.emptyMap();
    try {
      stored = read(file, key);
    } catch (NoSuchFileException e) {
      AgentLog.debug("startup cache: no " + file + " yet");
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("startup cache: " + file + " not used: " + e);
    }
    return new TransformCache(file, key, stored);
  }

  Path file() {
    return file;
  }

  int storedCount() {
    return stored.size();
  }

  long hits() {
    return hits.get();
  }

  long added() {
    return added.get();
  }

  /**
   * The stored outcome for this class file: its woven bytes, {@link #UNCHANGED}, or null when the
   * cache has none (the caller transforms it and {@link #record}s the result). {@code jdkClass}:
   * the class is the JDK's, matched by name only.
   */
  byte[] lookup(String internalName, byte[] classFile, boolean jdkClass) {
    Entry entry = stored.get(internalName);
    if (entry == null) {
      return null;
    }
    Entry match = entry.find(jdkClass ? ANY_JDK_CLASS_FILE : checksum(classFile));
    if (match == null) {
      return null;
    }
    hits.incrementAndGet();
    keep(internalName, match.checksum, match.output, false);
    return match.output == null ? UNCHANGED : match.output;
  }

  /** Whether the cache holds woven bytes for a class of this name (classes loaded before the agent). */
  boolean hasWoven(String internalName) {
    for (Entry e = stored.get(internalName); e != null; e = e.next) {
      if (e.output != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Records that the transformer leaves the JDK's class of this name unchanged: for a class that
   * was loaded before the transformer was installed, whose class file is not at hand.
   */
  void recordJdkUnchanged(String internalName) {
    if (!used.containsKey(internalName) && keep(internalName, ANY_JDK_CLASS_FILE, null, true)) {
      added.incrementAndGet();
      dirty = true;
    }
  }

  /** The transformer's outcome for a class file the cache did not have: {@code output} null if unchanged. */
  void record(String internalName, byte[] classFile, byte[] output, boolean jdkClass) {
    if (keep(internalName, jdkClass ? ANY_JDK_CLASS_FILE : checksum(classFile), output, true)) {
      added.incrementAndGet();
      dirty = true;
    }
  }

  private boolean keep(String internalName, long sum, byte[] output, boolean isNew) {
    if (full) {
      return false;
    }
    if (used.size() >= MAX_ENTRIES || usedBytes.addAndGet(output == null ? 0 : output.length) > MAX_BYTES) {
      full = true;
      AgentLog.debug("startup cache: limit reached (" + MAX_ENTRIES + " classes, " + (MAX_BYTES >> 20)
          + " MB); further classes are not added");
      return false;
    }
    boolean[] inserted = new boolean[1];
    used.compute(internalName, (name, chain) -> {
      if (chain != null && chain.find(sum) != null) {
        return chain;
      }
      inserted[0] = true;
      return new Entry(sum, output, 0, chain);
    });
    return inserted[0] && isNew;
  }

  /** Writes the outcomes of this run if any was added; false if that failed (the first failure warns). */
  boolean writeIfChanged() {
    if (!dirty) {
      return true;
    }
    dirty = false;
    try {
      write();
      return true;
    } catch (IOException | RuntimeException e) {
      // A directory the application cannot write to is a setting to fix: said once.
      if (!writeWarned) {
        writeWarned = true;
        AgentLog.warn("startup cache: cannot write " + file + " (" + e + "); starts will not use the cache");
      } else {
        AgentLog.debug("startup cache: " + file + " not written: " + e);
      }
      return false;
    }
  }

  private void write() throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir); // no POSIX permissions on this file system (Windows): its defaults
      }
    }
    Path temp = Files.createTempFile(dir, "transforms-", ".tmp");
    try {
      Map<String, Entry> snapshot = new HashMap<>(used);
      // Outcomes stored earlier that this run did not load are kept until MAX_AGE rewrites: a class
      // that loads only on some runs keeps its entry, a generated name that never comes back goes.
      for (Map.Entry<String, Entry> named : stored.entrySet()) {
        for (Entry e = named.getValue(); e != null; e = e.next) {
          Entry current = snapshot.get(named.getKey());
          if (e.age + 1 < MAX_AGE && (current == null || current.find(e.checksum) == null)) {
            snapshot.put(named.getKey(), new Entry(e.checksum, e.output, e.age + 1, current));
          }
        }
      }
      int count = 0;
      for (Entry chain : snapshot.values()) {
        for (Entry e = chain; e != null; e = e.next) {
          count++;
        }
      }
      CRC32 crc = new CRC32();
      try (OutputStream raw = Files.newOutputStream(temp);
          CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 64 * 1024), crc);
          DataOutputStream out = new DataOutputStream(checked)) {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(key);
        out.writeInt(count);
        for (Map.Entry<String, Entry> named : snapshot.entrySet()) {
          for (Entry e = named.getValue(); e != null; e = e.next) {
            out.writeUTF(named.getKey());
            out.writeLong(e.checksum);
            out.writeByte(e.age);
            out.writeInt(e.output == null ? -1 : e.output.length);
            if (e.output != null) {
              out.write(e.output);
            }
          }
        }
        out.flush();
        // The CRC of everything above, last: a file cut short or altered is never used.
        new DataOutputStream(raw).writeLong(crc.getValue());
      }
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      AgentLog.debug("startup cache: wrote " + count + " classes to " + file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static Map<String, Entry> read(Path file, String key) throws IOException {
    long size = Files.size(file);
    if (size > MAX_BYTES + (64L << 20)) {
      throw new IOException("larger than the limit (" + size + " bytes)");
    }
    CRC32 crc = new CRC32();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        CheckedInputStream checked = new CheckedInputStream(raw, crc)) {
      DataInputStream in = new DataInputStream(checked);
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        throw new IOException("not a startup cache of this agent version");
      }
      if (!key.equals(in.readUTF())) {
        throw new IOException("written for other settings");
      }
      int count = in.readInt();
      if (count < 0 || count > MAX_ENTRIES) {
        throw new IOException("bad entry count " + count);
      }
      Map<String, Entry> entries = new HashMap<>(count * 2);
      long bytes = 0;
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        long sum = in.readLong();
        int age = in.readUnsignedByte();
        int length = in.readInt();
        byte[] output = null;
        if (length >= 0) {
          bytes += length;
          if (bytes > MAX_BYTES) {
            throw new IOException("entries larger than the limit");
          }
          output = new byte[length];
          in.readFully(output);
        } else if (length != -1) {
          throw new IOException("bad entry length " + length);
        }
        entries.put(name, new Entry(sum, output, age, entries.get(name)));
      }
      long expected = crc.getValue();
      if (new DataInputStream(raw).readLong() != expected || raw.read() != -1) {
        throw new IOException("checksum mismatch");
      }
      return entries;
    }
  }

  /** 64 bits from two independent CRCs (both JVM intrinsics): CRC-32C and CRC-32 of the same bytes. */
  static long checksum(byte[] bytes) {
    CRC32C c = new CRC32C();
    c.update(bytes, 0, bytes.length);
    CRC32 d = new CRC32();
    d.update(bytes, 0, bytes.length);
    return c.getValue() << 32 | d.getValue();
  }
}
