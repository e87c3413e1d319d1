package dev.annals.log;

import dev.annals.core.CopyRefusedException;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreCopy;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StoredEvent;
import dev.annals.core.StoredEventTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes a new data directory from another store's {@link StoredEvent}s, offline: the log's write side of
 * a copy between engines. Records are encoded by {@link EventRecord#write} (so each record's chain hash is
 * computed here, and must equal the one the event carries) into segments of {@link LogOptions#segmentBytes}
 * started between appends, as the writer would. {@link #finish} fsyncs them, then opens the directory as a
 * store, so recovery checks every record and link and builds the indexes, and verifies it for the head.
 *
 * <p>Only a missing or empty directory is accepted. Until {@link #finish}, the directory holds no
 * checkpoint and is locked; {@link #close} without a successful {@link #finish} deletes what was written
 * (and the directory, when this made it). Not thread-safe.
 */
public final class LogEventTarget implements StoredEventTarget {

  private static final int BUFFER = 1 << 20;

  private final Path dir;
  private final LogOptions options;
  private final boolean madeDir;
  private @Nullable DataDirectory locked;
  private final List<Path> written = new ArrayList<>();
  private final MessageDigest sha = EventRecord.sha256();
  private final byte[] chain = EventRecord.GENESIS_HASH.clone();
  private ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private @Nullable FileChannel segment;
  /** File size of the open segment, buffered bytes included. */
  private long segmentSize;
  private boolean finished;

  private LogEventTarget(Path dir, LogOptions options, boolean madeDir, DataDirectory locked) {
    this.dir = dir;
    this.options = options;
    this.madeDir = madeDir;
    this.locked = locked;
  }

  /**
   * Prepares {@code dir} to receive a copy: it must not exist (it is made) or be an empty directory.
   *
   * @throws CopyRefusedException it holds anything
   */
  public static LogEventTarget create(Path dir, LogOptions options) {
    boolean made = !Files.exists(dir);
    try {
      if (made) {
        Files.createDirectories(dir);
      } else if (!Files.isDirectory(dir)) {
        throw new CopyRefusedException(dir.toAbsolutePath().normalize() + " is a file, not a directory; a copy goes"
            + " into a new or empty directory");
      } else {
        refuseNonEmpty(dir);
      }
      return new LogEventTarget(dir, options, made, DataDirectory.lockForReading(dir));
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot prepare " + dir + " for the copy: " + e.getMessage(), e);
    }
  }

  private static void refuseNonEmpty(Path dir) throws IOException {
    List<String> names;
    try (Stream<Path> files = Files.list(dir)) {
      names = files.map(p -> p.getFileName().toString()).sorted().limit(3).toList();
    }
    if (!names.isEmpty()) {
      boolean store = names.stream().anyMatch(n -> Segment.parseName(n) > 0) || Annals.holdsLog(dir);
      throw new CopyRefusedException("the directory " + dir.toAbsolutePath().normalize() + " is not empty ("
          + (store ? "it holds a store" : "it holds " + String.join(", ", names)) + "); a copy only fills a new or"
          + " empty directory, and nothing was written");
    }
  }

  @Override
  public String describe() {
    return "the data directory " + dir.toAbsolutePath().normalize();
  }

  @Override
  public void keepStoreId(java.util.UUID id) {
    try {
      written.add(StoreIdFile.write(dir, id));
    } catch (IOException e) {
      throw new StoreUnavailableException("writing the store id into " + dir + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void write(StoredEvent stored) {
    RecordedEvent e = stored.event();
    try {
      if (segment == null || (stored.indexInBatch() == 0 && segmentSize >= options.segmentBytes())) {
        startSegment(e.position());
      }
      byte[] stream = e.stream().getBytes(StandardCharsets.UTF_8);
      byte[] type = e.type().getBytes(StandardCharsets.ISO_8859_1);
      byte[] data = e.data().unsafeBytes();
      byte[] metadata = e.metadata().unsafeBytes();
      int size = EventRecord.size(stream.length, type.length, data.length, metadata.length);
      if (buffer.remaining() < size) {
        flush();
        if (buffer.capacity() < size) {
          buffer = ByteBuffer.allocate(size);
        }
      }
      EventRecord.write(buffer, e.position(), e.version(), e.id(), EventRecord.toMicros(e.recordedAt()),
          e.effectiveAt(), stored.batchSize(), stored.indexInBatch(), stored.imported(), stream, type, data, null,
          metadata, chain, sha);
      segmentSize += size;
      if (!Arrays.equals(chain, stored.chainHash())) {
        throw new CopyRefusedException("the event at position " + e.position() + " does not encode to the chain hash"
            + " it carries; nothing was finished in " + dir);
      }
    } catch (IOException ex) {
      throw new StoreUnavailableException("writing " + dir + " failed: " + ex.getMessage(), ex);
    }
  }

  private void startSegment(long base) throws IOException {
    endSegment();
    Path file = dir.resolve(Segment.fileName(base));
    written.add(file);
    segment = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    buffer.clear();
    buffer.put(Segment.header(base));
    segmentSize = Segment.HEADER;
  }

  private void flush() throws IOException {
    FileChannel ch = segment;
    if (ch == null) {
      return;
    }
    buffer.flip();
    while (buffer.hasRemaining()) {
      ch.write(buffer);
    }
    buffer.clear();
  }

  /** Writes out, fsyncs and closes the open segment. */
  private void endSegment() throws IOException {
    FileChannel ch = segment;
    if (ch == null) {
      return;
    }
    flush();
    ch.force(true);
    ch.close();
    segment = null;
  }

  @Override
  public StoreCopy.Head finish() {
    try {
      if (segment == null) {
        startSegment(1); // an empty store: one segment holding only its header, as a new store starts
      }
      endSegment();
      DataDirectory.fsync(dir);
      releaseLock();
    } catch (IOException e) {
      throw new StoreUnavailableException("writing " + dir + " failed: " + e.getMessage(), e);
    }
    Annals.open(dir, options).close(); // recovery: every record and chain link checked, indexes built
    VerifyReport report = LogVerifier.verify(dir, LogVerifier.Progress.NONE);
    if (!report.ok()) {
      throw new StoreUnavailableException("the copy in " + dir + " does not verify: " + report.problems().get(0));
    }
    finished = true;
    return new StoreCopy.Head(report.headPosition(), report.headHash());
  }

  private void releaseLock() throws IOException {
    DataDirectory l = locked;
    locked = null;
    if (l != null) {
      l.close();
    }
  }

  @Override
  public void close() {
    if (finished) {
      return;
    }
    try {
      FileChannel ch = segment;
      segment = null;
      if (ch != null) {
        ch.close();
      }
      for (Path p : written) {
        Files.deleteIfExists(p);
      }
      releaseLock();
      Files.deleteIfExists(dir.resolve(DirectoryLock.FILE));
      Files.deleteIfExists(dir.resolve(IndexCheckpoint.FILE)); // when the store was opened and then failed to verify
      if (madeDir) {
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cleaning up the unfinished copy in " + dir + " failed; delete it by hand", e);
    }
  }
}
