package dev.annals.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The few operations the log performs when it writes a segment file. It exists as a seam (public only
 * because {@link LogOptions} carries it; not meant for users): tests inject an fsync that fails or a disk
 * that fills up (see {@link LogOptions#withWriteChannels}). Every segment file is created and written
 * through it (by the data directory, on the opening thread for a new store's first segment, on the writer
 * thread after that). The writer thread writes and truncates; with {@code fsync=always} the forcer
 * thread fsyncs the same channel meanwhile, so an implementation must allow that (a {@link FileChannel}
 * does).
 */
public interface WriteChannel extends AutoCloseable {

  /** Writes all of {@code src} at {@code position}. */
  void writeFully(ByteBuffer src, long position) throws IOException;

  /** fsync (data only: fdatasync where the OS has it). */
  void force() throws IOException;

  void truncate(long size) throws IOException;

  @Override
  void close() throws IOException;

  /** Opens segment files for writing. */
  @FunctionalInterface
  interface Factory {
    WriteChannel open(Path file) throws IOException;
  }

  /** The real thing: a {@link FileChannel}. */
  Factory FILES = file -> {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
    return new WriteChannel() {
      @Override
      public void writeFully(ByteBuffer src, long position) throws IOException {
        long p = position;
        while (src.hasRemaining()) {
          p += ch.write(src, p);
        }
      }

      @Override
      public void force() throws IOException {
        ch.force(false);
      }

      @Override
      public void truncate(long size) throws IOException {
        ch.truncate(size);
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  };
}
