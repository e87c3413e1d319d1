package dev.annals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.client.HttpEventStore;
import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.log.Annals;
import dev.annals.log.LogEventStore;
import dev.annals.log.LogVerifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash through HTTP: {@code annals serve --data DIR} (fsync=always) is SIGKILLed while clients append
 * concurrently; after each restart every event that got a 2xx is in its stream at the version and
 * position the response named, and the log verifies.
 */
class HttpCrashTest {

  static final int ROUNDS = 5;
  static final int CLIENTS = 8;
  static final int STREAMS = 20;

  /** An acknowledged append of one event. */
  record Ack(String stream, UUID id, long version, long position) {}

  @Test
  void every_acknowledged_append_survives_a_sigkill_of_the_server(@TempDir Path dir) throws Exception {
    Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    for (int round = 0; round < ROUNDS; round++) {
      try (ServedProcess served = new ServedProcess("--data", dir.toString())) {
        URI uri = served.awaitUri();
        checkAll(uri, acks, "after restart " + round);
        int before = acks.size();
        AtomicBoolean killed = new AtomicBoolean();
        Queue<RuntimeException> errors = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          clients.add(Thread.ofVirtual().start(() -> {
            try (HttpEventStore client = new HttpEventStore(uri, dev.annals.client.ClientOptions.defaults()
                .withHttpClient(java.net.http.HttpClient.newHttpClient()).withTimeout(Duration.ofSeconds(10)))) {
              ThreadLocalRandom rnd = ThreadLocalRandom.current();
              while (true) {
                String stream = "crash-" + rnd.nextInt(STREAMS);
                UUID id = UUID.randomUUID();
                AppendResult r;
                try {
                  r = client.append(stream, ExpectedVersion.ANY, new EventData(id, "Tick", Json.of("{\"n\":1}"),
                      Json.EMPTY_OBJECT, Optional.empty()));
                } catch (RuntimeException e) {
                  if (!killed.get()) {
                    errors.add(e);
                  }
                  return; // the server is gone
                }
                acks.add(new Ack(stream, id, r.firstVersion(), r.firstPosition()));
              }
            }
          }));
        }
        Thread.sleep(600 + ThreadLocalRandom.current().nextInt(1400));
        killed.set(true);
        served.process.destroyForcibly(); // SIGKILL
        assertThat(served.awaitExit(30)).isTrue();
        for (Thread t : clients) {
          t.join(30_000);
        }
        assertThat(errors).as("appends failed before the kill").isEmpty();
        assertThat(acks.size()).as("round %d acknowledged appends", round).isGreaterThan(before);
        System.out.printf("HttpCrashTest round %d: %d appends acknowledged before the SIGKILL%n", round, acks.size() - before);
      }
    }
    try (ServedProcess served = new ServedProcess("--data", dir.toString())) {
      checkAll(served.awaitUri(), acks, "after the last restart");
    }
    try (LogEventStore log = Annals.open(dir)) {
      assertThat(log.verify(LogVerifier.Progress.NONE).ok()).isTrue();
      assertThat(log.headPosition()).isGreaterThanOrEqualTo(acks.size());
    }
  }

  /** Every acknowledged event is where its response said, read back through the restarted server. */
  private static void checkAll(URI uri, Queue<Ack> acks, String when) {
    Map<UUID, RecordedEvent> stored = new HashMap<>();
    try (HttpEventStore client = new HttpEventStore(uri)) {
      for (int s = 0; s < STREAMS; s++) {
        long from = 1;
        while (true) {
          Page page = client.readStream("crash-" + s, from, Direction.FORWARD, 1000);
          for (RecordedEvent e : page.events()) {
            assertThat(e.version()).as("%s: versions of crash-%d have no gap", when, s).isEqualTo(from++);
            stored.put(e.id(), e);
          }
          if (page.end() || page.isEmpty()) {
            break;
          }
          from = page.next();
        }
      }
    }
    for (Ack a : acks) {
      RecordedEvent e = stored.get(a.id());
      assertThat(e).as("%s: acknowledged %s is present", when, a).isNotNull();
      assertThat(e.stream()).as("%s: %s", when, a).isEqualTo(a.stream());
      assertThat(e.version()).as("%s: %s", when, a).isEqualTo(a.version());
      assertThat(e.position()).as("%s: %s", when, a).isEqualTo(a.position());
    }
  }
}
