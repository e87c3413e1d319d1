package dev.annals.bench;

import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** Shared pieces of the log workloads: payloads, building a store, raw reads of its bytes. */
final class LogBench {

  static final int EVENT_BYTES = 256;

  private LogBench() {}

  static List<EventData> batch(Json data, int n) {
    List<EventData> out = new ArrayList<>(n);
    java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      // random ids without SecureRandom's lock: the benchmark measures the store, not UUID.randomUUID
      out.add(new EventData(new UUID(rnd.nextLong(), rnd.nextLong()), "Bench", data, Json.EMPTY_OBJECT, Optional.empty()));
    }
    return out;
  }

  /** Fills a fresh store with {@code events} events of {@code data}, {@code perAppend} per append, over {@code streams} streams. */
  static Path build(BenchEnv env, String name, long events, int perAppend, int streams, Json data) throws IOException {
    Path dir = env.newDir(name);
    try (LogEventStore store = Annals.open(dir, LogOptions.defaults().withFsync("never"))) {
      long written = 0;
      int b = 0;
      while (written < events) {
        int n = (int) Math.min(perAppend, events - written);
        store.append("bench-" + (b++ % streams), ExpectedVersion.ANY, batch(data, n));
        written += n;
        if (b % 200 == 0 && events >= 1_000_000) {
          env.progress(name + ": " + written + "/" + events + " events written");
        }
      }
    }
    return dir;
  }

  /** Bytes of the log (segment files) in a data directory. */
  static long logBytes(Path dir) throws IOException {
    long total = 0;
    for (Path p : segments(dir)) {
      total += Files.size(p);
    }
    return total;
  }

  static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }

  /** Reads every segment file sequentially in 1 MiB chunks; returns the seconds it took. */
  static double rawSequentialRead(Path dir) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long sink = 0;
    long t0 = System.nanoTime();
    for (Path p : segments(dir)) {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        long pos = 0;
        int n;
        buf.clear();
        while ((n = ch.read(buf, pos)) > 0) {
          pos += n;
          sink += buf.get(0);
          buf.clear();
        }
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (sink == Long.MIN_VALUE) {
      System.out.print("");
    }
    return secs;
  }
}
