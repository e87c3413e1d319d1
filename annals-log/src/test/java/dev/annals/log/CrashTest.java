package dev.annals.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL at random moments (design §8): a child JVM appends under concurrent load with
 * {@code fsync=always} and reports every acknowledgment; the parent kills it ({@code destroyForcibly}
 * is SIGKILL on Linux), reopens the same directory and checks that every acknowledged event is present
 * at its version and position, that no batch is partly visible, and that verify passes. The directory
 * is reused across kills so the store grows (and rolls segments and writes checkpoints) as it goes.
 * Kills: {@code -Dannals.crash.kills} (default 200).
 */
class CrashTest {

  static final int KILLS = Integer.getInteger("annals.crash.kills", 200);
  /** A class-data archive the children create once and share: JVM start-up is most of a round. */
  static final Path CDS_ARCHIVE = TestStores.freshDir().resolve("crash-child.jsa");

  private record Ack(String stream, long firstVersion, long lastVersion, long firstPosition, long lastPosition,
      List<UUID> ids) {}

  private record Intent(String stream, List<UUID> ids) {}

  static Process startChild(Path dir, String... extra) throws IOException {
    return startChild(dir, ProcessBuilder.Redirect.PIPE, extra);
  }

  static Process startChild(Path dir, ProcessBuilder.Redirect stdout, String... extra) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-XX:-UsePerfData",
        "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + CDS_ARCHIVE, "-Xlog:disable", "-Xlog:all=off", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(stdout).start();
  }

  @Test
  void every_acknowledged_event_survives_sigkill_and_no_batch_is_partly_visible() throws Exception {
    Path dir = TestStores.freshDir();
    Random rnd = new Random(42);
    List<Ack> allAcks = new ArrayList<>();
    long totalAcks = 0;
    int killedBeforeReady = 0;
    for (int round = 0; round < KILLS; round++) {
      // the child's stdout goes to a file: every line it wrote before the kill is there afterwards
      Path out = dir.resolveSibling(dir.getFileName() + "-child.out");
      long t0 = System.nanoTime();
      Process child = startChild(dir, ProcessBuilder.Redirect.to(out.toFile()));
      List<Ack> acks = new ArrayList<>();
      List<Intent> intents = new ArrayList<>();
      boolean killEarly = rnd.nextInt(10) == 0;
      if (killEarly) {
        Thread.sleep(50 + rnd.nextInt(250)); // may land inside recovery of the previous crash
        killedBeforeReady++;
      } else {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // wait for the first acknowledgment (or a while), then kill at a random moment
        while (!Files.readString(out, StandardCharsets.UTF_8).contains("ACK ")
            && System.nanoTime() < deadline - TimeUnit.SECONDS.toNanos(55)) {
          assertThat(child.isAlive()).as("child alive (round %d)", round).isTrue();
          assertThat(System.nanoTime()).as("child ready in time").isLessThan(deadline);
          Thread.sleep(5);
        }
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).as("child started (round %d)", round)
            .startsWith("READY");
        Thread.sleep(rnd.nextInt(100));
      }
      long t1 = System.nanoTime();
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (String line : completeLines(Files.readString(out, StandardCharsets.UTF_8))) {
        parse(line, acks, intents);
      }
      totalAcks += acks.size();
      allAcks.addAll(acks);
      try (LogEventStore store = Annals.open(dir)) {
        checkAcks(store, acks, round);
        checkNoPartialBatch(store, intents, round);
        if (round % 50 == 49 || round == KILLS - 1) {
          checkAcks(store, allAcks, round);
        }
      }
      long t2 = System.nanoTime();
      VerifyReport report = LogVerifier.verify(dir, LogVerifier.Progress.NONE);
      assertThat(report.problems()).as("verify after kill %d", round).isEmpty();
      if (round % 10 == 0) {
        System.out.printf("round %d: child %d ms, reopen+check %d ms, verify %d ms, %d events%n", round,
            (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000, report.events());
      }
    }
    assertThat(totalAcks).as("the children acknowledged appends").isGreaterThan(KILLS);
    try (LogEventStore store = Annals.open(dir)) {
      assertThat(store.headPosition()).isGreaterThanOrEqualTo(allAcks.stream().mapToLong(Ack::lastPosition).max().orElse(0));
    }
    System.out.printf("crash test: %d kills (%d before READY), %d acknowledged appends%n", KILLS, killedBeforeReady,
        totalAcks);
  }

  @Test
  void a_last_line_without_its_newline_is_not_relied_on() {
    assertThat(completeLines("READY 0\nACK s 1 2 1 2 a,b\nACK s 3 9 3 9 c,")).containsExactly("READY 0",
        "ACK s 1 2 1 2 a,b");
    assertThat(completeLines("READY 0\n")).containsExactly("READY 0");
    assertThat(completeLines("READ")).isEmpty();
  }

  /**
   * The lines the child finished writing: a last line without its newline was cut by the kill, even when
   * what is left of it parses (cut right after a comma, its id list is shorter but well formed).
   */
  static List<String> completeLines(String output) {
    int end = output.lastIndexOf('\n');
    return end < 0 ? List.of() : output.substring(0, end).lines().toList();
  }

  private static void parse(String line, List<Ack> acks, List<Intent> intents) {
    String[] f = line.split(" ");
    // a line cut by the kill is incomplete: its last field does not parse, and it is skipped
    try {
      if (f[0].equals("ACK") && f.length == 7) {
        acks.add(new Ack(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
            ids(f[6])));
      } else if (f[0].equals("INTENT") && f.length == 3) {
        intents.add(new Intent(f[1], ids(f[2])));
      }
    } catch (IllegalArgumentException torn) {
      // the kill cut this line; a torn ACK line was never fully reported, so it is not relied on
    }
  }

  private static List<UUID> ids(String csv) {
    List<UUID> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(UUID.fromString(s));
    }
    return out;
  }

  private static void checkAcks(LogEventStore store, List<Ack> acks, int round) {
    for (Ack a : acks) {
      assertThat(a.lastPosition() - a.firstPosition()).isEqualTo(a.ids().size() - 1);
      List<RecordedEvent> got = store.readAll(a.firstPosition(), Direction.FORWARD, a.ids().size(), Filter.everything())
          .events();
      assertThat(got).as("acknowledged batch at %d (round %d)", a.firstPosition(), round).hasSize(a.ids().size());
      for (int i = 0; i < got.size(); i++) {
        RecordedEvent e = got.get(i);
        assertThat(e.id()).isEqualTo(a.ids().get(i));
        assertThat(e.stream()).isEqualTo(a.stream());
        assertThat(e.version()).isEqualTo(a.firstVersion() + i);
        assertThat(e.position()).isEqualTo(a.firstPosition() + i);
      }
      RecordedEvent byStream = store.readStream(a.stream(), a.lastVersion(), Direction.FORWARD, 1).events().get(0);
      assertThat(byStream.id()).isEqualTo(a.ids().get(a.ids().size() - 1));
    }
  }

  private static void checkNoPartialBatch(LogEventStore store, List<Intent> intents, int round) {
    if (intents.isEmpty()) {
      return;
    }
    Map<UUID, RecordedEvent> recent = new HashMap<>();
    long from = Math.max(1, store.headPosition() - 20_000);
    long p = from;
    while (p <= store.headPosition()) {
      var page = store.readAll(p, Direction.FORWARD, 5000, Filter.everything());
      page.events().forEach(e -> recent.put(e.id(), e));
      p = page.next();
    }
    for (Intent in : intents) {
      int present = 0;
      for (UUID id : in.ids()) {
        if (recent.containsKey(id)) {
          present++;
        }
      }
      assertThat(present).as("batch of %d in round %d is all or nothing", in.ids().size(), round)
          .isIn(0, in.ids().size());
      if (present > 0) {
        RecordedEvent first = recent.get(in.ids().get(0));
        for (int i = 0; i < in.ids().size(); i++) {
          RecordedEvent e = recent.get(in.ids().get(i));
          assertThat(e.position()).isEqualTo(first.position() + i);
          assertThat(e.version()).isEqualTo(first.version() + i);
          assertThat(e.stream()).isEqualTo(in.stream());
        }
      }
    }
  }

  @Test
  void a_second_process_opening_the_directory_gets_a_clear_error() throws Exception {
    Path dir = TestStores.freshDir();
    try (LogEventStore store = Annals.open(dir)) {
      Process probe = startChild(dir, "probe");
      String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      probe.waitFor(30, TimeUnit.SECONDS);
      assertThat(out).startsWith("ERROR").contains("in use by another process").contains("pid=" + ProcessHandle.current().pid());
    }
    Process probe = startChild(dir, "probe");
    String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    probe.waitFor(30, TimeUnit.SECONDS);
    assertThat(out).startsWith("OPENED");
  }
}
