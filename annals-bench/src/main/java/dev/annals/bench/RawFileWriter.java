package dev.annals.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The raw disk limit: a plain {@link FileChannel} writing the same number of bytes per batch as the
 * engine, with an fsync ({@code force(false)}) per batch when asked. Single-threaded.
 */
public final class RawFileWriter implements AutoCloseable {

  private final FileChannel channel;
  private final boolean fsync;

  public RawFileWriter(Path file, boolean fsync) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.fsync = fsync;
  }

  /** Writes one batch of {@code bytes} bytes, then fsyncs if configured. */
  public void writeBatch(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    if (fsync) {
      channel.force(false);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
