package dev.annals.log;

import dev.annals.core.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per data directory: an OS file lock on {@code LOCK} (released by the OS when the process
 * dies, so a crash never leaves a stale lock). The file holds the owner's pid, for the error message.
 *
 * <pre>
 * LOCK: the text "pid=&lt;pid&gt;\n" (informational; the lock itself is the OS lock on the file)
 * </pre>
 *
 * Held by one store for its lifetime; {@link #close} releases it. Not shared between threads.
 */
final class DirectoryLock implements AutoCloseable {

  static final String FILE = "LOCK";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DirectoryLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new StoreUnavailableException("the data directory " + dir + " is already open in this process (lock file "
          + file + "); close the other store first");
    }
    if (lock == null) {
      String owner = "";
      try {
        owner = Files.readString(file, StandardCharsets.UTF_8).trim();
      } catch (IOException ignored) {
        // the owner is only for the message
      }
      ch.close();
      throw new StoreUnavailableException("the data directory " + dir + " is in use by another process"
          + (owner.isEmpty() ? "" : " (" + owner + ")") + ": only one process may open it (lock file " + file + ")");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(("pid=" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    return new DirectoryLock(ch, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
