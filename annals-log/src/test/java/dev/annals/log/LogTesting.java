package dev.annals.log;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** Helpers shared by the engine's own tests. */
final class LogTesting {

  private LogTesting() {}

  static List<EventData> events(int n) {
    return IntStream.range(0, n).mapToObj(i -> EventData.of("Happened", "{\"n\":" + i + "}")).toList();
  }

  static List<RecordedEvent> all(EventStore store) {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, 1000, Filter.everything());
      out.addAll(p.events());
      if (p.end()) {
        return out;
      }
      from = p.next();
    }
  }

  static Path lastSegment(Path dir) {
    try {
      List<Long> bases = DataDirectory.segmentBases(dir);
      return dir.resolve(Segment.fileName(bases.get(bases.size() - 1)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path firstSegment(Path dir) {
    return dir.resolve(Segment.fileName(1));
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the data of a segment ends: just after its last byte that is not zero (zeros after it are preallocated). */
  static long dataEnd(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return SegmentScanner.endOfData(ch, ch.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes taken by the last {@code n} records of a segment. */
  static long sizeOfLastRecords(Path segment, int n) {
    List<Long> offsets = recordOffsets(segment);
    return dataEnd(segment) - offsets.get(offsets.size() - n);
  }

  static void truncate(Path file, long size) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void appendBytes(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void flipBit(Path file, long offset) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x10));
      b.rewind();
      ch.write(b, offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Byte offsets of every record of a segment, in order, read by scanning it. */
  static List<Long> recordOffsets(Path segment) {
    List<Long> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
      RecordCursor c = new RecordCursor(ch, ch.size(), 1 << 20);
      long o = Segment.HEADER;
      while (true) {
        int r = c.load(o);
        if (r < 0) {
          return out;
        }
        out.add(o);
        o += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@link WriteChannel} whose behaviour a test changes while the store runs. */
  static final class FaultyChannels implements WriteChannel.Factory {
    volatile boolean failFsync;
    /** With {@link #failFsync}: the fsync fails as a full disk does (ENOSPC at writeback), not as an I/O error. */
    volatile boolean fsyncFailsAsDiskFull;
    /** When >= 0: writes succeed for this many more bytes, then fail with "No space left on device". */
    volatile long bytesUntilFull = -1;
    volatile int fsyncs;
    /** fsyncs that threw because of {@link #failFsync}. */
    final AtomicInteger failedFsyncs = new AtomicInteger();
    /** Writes that reached the file (whole or partial). */
    final AtomicInteger writes = new AtomicInteger();
    /** When set, every fsync waits for it to open first: groups pile up written but not yet durable. */
    volatile CountDownLatch fsyncGate;
    /** When set, every write (counted in {@link #writes} first) waits for it to open. */
    volatile CountDownLatch writeGate;

    /** Waits for {@code gate} to open, when there is one. */
    private static void pass(CountDownLatch gate, String what) throws InterruptedIOException {
      if (gate == null) {
        return;
      }
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted at the " + what + " gate");
      }
    }

    @Override
    public WriteChannel open(Path file) throws IOException {
      WriteChannel real = WriteChannel.FILES.open(file);
      return new WriteChannel() {
        @Override
        public void writeFully(ByteBuffer src, long position) throws IOException {
          writes.incrementAndGet();
          pass(writeGate, "write");
          long room = bytesUntilFull;
          if (room >= 0 && src.remaining() > room) {
            ByteBuffer part = src.slice(src.position(), (int) room);
            real.writeFully(part, position);
            bytesUntilFull = 0;
            throw new IOException("No space left on device");
          }
          if (room >= 0) {
            bytesUntilFull = room - src.remaining();
          }
          real.writeFully(src, position);
        }

        @Override
        public void force() throws IOException {
          pass(fsyncGate, "fsync");
          if (failFsync) {
            failedFsyncs.incrementAndGet();
            throw new IOException(fsyncFailsAsDiskFull ? "No space left on device (injected fsync failure)"
                : "Input/output error (injected fsync failure)");
          }
          fsyncs++;
          real.force();
        }

        @Override
        public void truncate(long size) throws IOException {
          real.truncate(size);
        }

        @Override
        public void close() throws IOException {
          real.close();
        }
      };
    }
  }
}
