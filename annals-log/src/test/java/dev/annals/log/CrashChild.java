package dev.annals.log;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The child JVM of {@link CrashTest}: opens the store and appends from several threads until it is
 * killed, printing each batch before it is appended ({@code INTENT}) and each acknowledgment
 * ({@code ACK}). Mode {@code probe} only tries to open the directory and prints the outcome.
 */
public final class CrashChild {

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    if (args.length > 1 && args[1].equals("probe")) {
      try (LogEventStore s = Annals.open(dir)) {
        out.println("OPENED");
      } catch (RuntimeException e) {
        out.println("ERROR " + e.getMessage());
      }
      return;
    }
    LogEventStore store = Annals.open(dir, LogOptions.defaults().withSegmentBytes(256 << 10).withCheckpointEvery(700));
    out.println("READY " + store.headPosition());
    int threads = 8;
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      all.add(Thread.ofPlatform().start(() -> appendForever(store, out, me)));
    }
    for (Thread t : all) {
      t.join();
    }
  }

  private static void appendForever(LogEventStore store, PrintStream out, int me) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    String own = "own-" + me;
    while (true) {
      boolean exact = rnd.nextInt(4) == 0;
      String stream = exact ? own : "c-" + rnd.nextInt(20);
      int n = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 40 : 5);
      List<EventData> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(new EventData(UUID.randomUUID(), "Crashed", Json.of("{\"t\":" + me + ",\"i\":" + i + "}"),
            Json.EMPTY_OBJECT, Optional.empty()));
      }
      String ids = batch.stream().map(e -> e.id().toString()).collect(Collectors.joining(","));
      out.println("INTENT " + stream + " " + ids);
      ExpectedVersion expected = exact ? ExpectedVersion.exactly(store.streamVersion(own)) : ExpectedVersion.ANY;
      AppendResult r = store.append(stream, expected, batch);
      out.println("ACK " + stream + " " + r.firstVersion() + " " + r.lastVersion() + " " + r.firstPosition() + " "
          + r.lastPosition() + " " + ids);
    }
  }
}
