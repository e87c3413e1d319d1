package dev.annals.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the embedded durable log: {@code Annals.open(Path.of("data"))}. */
public final class Annals {

  private Annals() {}

  /**
   * Opens (creating when needed) the store in {@code dir} with default options ({@code fsync=always}).
   *
   * @throws dev.annals.core.StoreUnavailableException the directory is in use by another process or
   *     cannot be read
   * @throws CorruptLogException acknowledged data is damaged; the store refuses to open
   */
  public static LogEventStore open(Path dir) {
    return open(dir, LogOptions.defaults());
  }

  public static LogEventStore open(Path dir, LogOptions options) {
    return LogEventStore.open(dir, options);
  }

  /**
   * True when {@code dir} is a directory holding at least one segment file (a {@code .log} file named
   * by 20 digits, see {@link Segment}): a store has been created there. Reads the listing only; creates
   * nothing. Lets a tool that only looks at data refuse a folder before {@link #open} would make a store
   * in it.
   *
   * @throws UncheckedIOException the directory cannot be listed
   */
  public static boolean holdsLog(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try {
      return !DataDirectory.segmentBases(dir).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
