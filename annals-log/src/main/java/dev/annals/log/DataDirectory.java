package dev.annals.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The data directory of one store: which segment files it holds, how a new one comes into being, its
 * own fsync, and the lock that keeps a second process out.
 *
 * <pre>
 * &lt;dir&gt;/
 *   00000000000000000001.log   segments, named by their first position (see {@link Segment})
 *   ...
 *   index.chk                  the index checkpoint (see {@link IndexCheckpoint}); derived, may be absent
 *   LOCK                       held while a store or a verify has the directory (see {@link DirectoryLock})
 * </pre>
 *
 * Every segment file is created here, through the {@link WriteChannel} seam, so fault injection sees
 * every write and fsync of the log. Holds the lock from {@link #lock} to {@link #close}; used by one
 * thread at a time (the opening thread, then the writer thread for new segments).
 */
final class DataDirectory implements AutoCloseable {

  private final Path dir;
  private final WriteChannel.Factory channels;
  private final DirectoryLock lock;

  private DataDirectory(Path dir, WriteChannel.Factory channels, DirectoryLock lock) {
    this.dir = dir;
    this.channels = channels;
    this.lock = lock;
  }

  /** Takes the directory's lock (refused with a clear error when another store holds it). */
  static DataDirectory lock(Path dir, WriteChannel.Factory channels) throws IOException {
    return new DataDirectory(dir, channels, DirectoryLock.acquire(dir));
  }

  /** Takes the lock for a run that only reads the directory (verify): it creates no segment. */
  static DataDirectory lockForReading(Path dir) throws IOException {
    WriteChannel.Factory none = file -> {
      throw new IOException("the data directory " + dir + " is open for reading only");
    };
    return lock(dir, none);
  }

  Path path() {
    return dir;
  }

  /** The base positions of the segment files in {@code dir}, in log order. */
  static List<Long> segmentBases(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> Segment.parseName(p.getFileName().toString())).filter(b -> b > 0).sorted().toList();
    }
  }

  List<Long> segmentBases() throws IOException {
    return segmentBases(dir);
  }

  Path segmentFile(long base) {
    return dir.resolve(Segment.fileName(base));
  }

  /** Opens an existing segment file for writing. */
  WriteChannel openForWriting(Path file) throws IOException {
    return channels.open(file);
  }

  /**
   * Creates the segment file starting at {@code base}: header written and fsynced, the directory fsynced,
   * and returns it open for writing. On failure (e.g. a full disk) the half-made file is deleted again,
   * so the last segment stays the last one, and the error is thrown.
   */
  WriteChannel createSegment(long base) throws IOException {
    Path file = segmentFile(base);
    WriteChannel next = channels.open(file);
    try {
      next.writeFully(Segment.header(base), 0);
      next.force();
      fsync();
    } catch (IOException e) {
      try {
        next.close();
        Files.deleteIfExists(file);
        fsync();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return next;
  }

  /** fsyncs the directory itself: its entries (files created, renamed or deleted) are on disk. */
  void fsync() throws IOException {
    fsync(dir);
  }

  static void fsync(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    lock.close();
  }
}
