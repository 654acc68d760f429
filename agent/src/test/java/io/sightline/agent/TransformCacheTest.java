package io.sightline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The startup cache's file: what a later run finds, and what it refuses. */
class TransformCacheTest {
  private static final String KEY = "agent=test\njvm=test\notel.service.name=a";
  private static final byte[] APP_CLASS = "app class v1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] APP_CLASS_V2 = "app class v2".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WOVEN = "woven".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_CLASS = "other".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  @Test
  void aLaterRunFindsTheOutcomesByClassFileAndOnlyForTheSameClassFile() {
    TransformCache first = TransformCache.open(dir, KEY);
    assertThat(first.storedCount()).isZero();
    assertThat(first.lookup("com/example/Statement", APP_CLASS, false)).isNull();
    first.record("com/example/Statement", APP_CLASS, WOVEN, false);
    first.record("com/example/Plain", OTHER_CLASS, null, false);
    first.record("java/util/concurrent/ForkJoinTask", OTHER_CLASS, WOVEN, true);
    first.recordJdkUnchanged("java/lang/Thread");
    assertThat(first.writeIfChanged()).isTrue();

    TransformCache second = TransformCache.open(dir, KEY);
    assertThat(second.storedCount()).isEqualTo(4);
    assertThat(second.lookup("com/example/Statement", APP_CLASS, false)).isEqualTo(WOVEN);
    assertThat(second.lookup("com/example/Plain", OTHER_CLASS, false)).isSameAs(TransformCache.UNCHANGED);
    // A new version of the class, or the same name with other bytes: not known.
    assertThat(second.lookup("com/example/Statement", APP_CLASS_V2, false)).isNull();
    // JDK classes go by name (the JVM is part of the key), application classes never do.
    assertThat(second.lookup("java/util/concurrent/ForkJoinTask", APP_CLASS_V2, true)).isEqualTo(WOVEN);
    assertThat(second.lookup("java/lang/Thread", APP_CLASS, true)).isSameAs(TransformCache.UNCHANGED);
    assertThat(second.lookup("java/lang/Thread", APP_CLASS, false)).isNull();
    assertThat(second.hasWoven("java/util/concurrent/ForkJoinTask")).isTrue();
    assertThat(second.hasWoven("java/lang/Thread")).isFalse();
    assertThat(second.hits()).isEqualTo(4);
  }

  /** A cache file holding the statement class's woven bytes, as a first run leaves it. */
  private TransformCache writtenWithStatement() {
    TransformCache first = TransformCache.open(dir, KEY);
    first.record("com/example/Statement", APP_CLASS, WOVEN, false);
    assertThat(first.writeIfChanged()).isTrue();
    return first;
  }

  @Test
  void anotherKeyStartsEmpty() {
    writtenWithStatement();

    assertThat(TransformCache.open(dir, KEY + "\notel.instrumentation.jdbc.enabled=false").storedCount()).isZero();
    assertThat(TransformCache.open(dir, KEY).storedCount()).isEqualTo(1);
  }

  @Test
  void aFileCutShortOrAlteredIsNotUsed() throws IOException {
    Path file = writtenWithStatement().file();
    byte[] bytes = Files.readAllBytes(file);

    // One byte of the woven class changed.
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(bytes.length - 9);
      raf.write(bytes[bytes.length - 9] ^ 1);
    }
    assertThat(TransformCache.open(dir, KEY).storedCount()).isZero();

    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThat(TransformCache.open(dir, KEY).storedCount()).isZero();

    Files.write(file, "not a cache".getBytes(StandardCharsets.UTF_8));
    assertThat(TransformCache.open(dir, KEY).storedCount()).isZero();

    Files.write(file, bytes);
    assertThat(TransformCache.open(dir, KEY).storedCount()).isEqualTo(1);
  }

  @Test
  void nothingAddedNothingWritten() throws IOException {
    TransformCache first = writtenWithStatement();
    long written = Files.getLastModifiedTime(first.file()).toMillis();
    Files.setLastModifiedTime(first.file(), java.nio.file.attribute.FileTime.fromMillis(written - 60_000));

    TransformCache second = TransformCache.open(dir, KEY);
    assertThat(second.lookup("com/example/Statement", APP_CLASS, false)).isEqualTo(WOVEN);
    assertThat(second.writeIfChanged()).isTrue();
    assertThat(Files.getLastModifiedTime(first.file()).toMillis()).isEqualTo(written - 60_000);
    assertThat(second.added()).isZero();
  }

  @Test
  void anEntryNoRunLoadsAgainIsDroppedAfterSomeRewrites() {
    TransformCache run = TransformCache.open(dir, KEY);
    run.record("com/example/Generated$1", APP_CLASS, null, false);
    run.record("com/example/Statement", APP_CLASS, WOVEN, false);
    run.writeIfChanged();

    // Each later run loads only the statement class and adds one new class: a rewrite each time.
    for (int i = 1; i <= TransformCache.MAX_AGE; i++) {
      run = TransformCache.open(dir, KEY);
      assertThat(run.lookup("com/example/Statement", APP_CLASS, false)).isEqualTo(WOVEN);
      run.record("com/example/New" + i, OTHER_CLASS, null, false);
      run.writeIfChanged();
      assertThat(TransformCache.open(dir, KEY).lookup("com/example/Generated$1", APP_CLASS, false))
          .as("kept after %d rewrites", i)
          .isEqualTo(i < TransformCache.MAX_AGE ? TransformCache.UNCHANGED : null);
    }
    assertThat(TransformCache.open(dir, KEY).lookup("com/example/Statement", APP_CLASS, false)).isEqualTo(WOVEN);
  }

  @Test
  void aDirectoryThatCannotBeWrittenIsReportedNotThrown() throws IOException {
    Path notADirectory = dir.resolve("a-file");
    Files.write(notADirectory, "x".getBytes(StandardCharsets.UTF_8));
    TransformCache cache = TransformCache.open(notADirectory, KEY);
    assertThat(cache.storedCount()).isZero();
    cache.record("com/example/Statement", APP_CLASS, WOVEN, false);
    assertThat(cache.writeIfChanged()).isFalse();
  }

  @Test
  void aDirectoryOtherUsersCanWriteIsRefusedAndANewOneIsOwnerOnly() throws IOException {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(TransformCache.writableByOthers(shared)).isTrue();
    Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(TransformCache.writableByOthers(shared)).isFalse();

    Path created = dir.resolve("new").resolve("cache");
    assertThat(TransformCache.writableByOthers(created)).isFalse();
    TransformCache cache = TransformCache.open(created, KEY);
    cache.record("com/example/Statement", APP_CLASS, WOVEN, false);
    assertThat(cache.writeIfChanged()).isTrue();
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
        .isEqualTo("rwx------");
  }
}
