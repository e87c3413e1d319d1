package dev.annals.log;

import dev.annals.core.EventStoreException;
import java.nio.file.Path;

/**
 * The log holds damage inside data that was (or may have been) acknowledged: the store refuses to
 * open rather than drop events. Says where: the file and the byte offset. Code {@code corrupt}.
 */
public final class CorruptLogException extends EventStoreException {

  private final Path file;
  private final long offset;

  public CorruptLogException(Path file, long offset, String reason) {
    this(file, offset, reason, true);
  }

  /** @param atOpen found while opening (the store refuses to open), or by a read of an open store */
  CorruptLogException(Path file, long offset, String reason, boolean atOpen) {
    super("the log is damaged in " + file + " at byte offset " + offset + ": " + reason
        + (atOpen ? "; refusing to open" : "") + " (run 'annals verify --data " + file.getParent()
        + "' for every problem)");
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  @Override
  public String code() {
    return "corrupt";
  }
}
