package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.EventData;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** positionAt on PostgreSQL: the first position recorded at or after an instant, stable for past instants. */
@ExtendWith(TestPostgres.class)
class PgPositionAtTest {

  private RowWriter rows;
  private ReadSide reads;

  @BeforeEach
  void open(LocalPostgres server) {
    rows = RowWriter.create(server, server.createDatabase());
    reads = rows.readSide();
  }

  @AfterEach
  void close() {
    reads.close();
    rows.close();
  }

  private static List<EventData> events(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> EventData.of("E", "{\"i\":" + i + "}")).toList();
  }

  @Test
  void finds_the_first_event_recorded_at_or_after_an_instant_to_the_microsecond() {
    Instant t1 = Instant.parse("2024-05-01T10:00:00.000001Z");
    Instant t2 = Instant.parse("2024-05-01T10:00:00.000002Z");
    rows.append("s-1", events(3), Optional.of(t1), false);
    rows.append("s-2", events(2), Optional.of(t2), false);
    rows.append("s-1", events(1), Optional.of(Instant.parse("2024-06-01T00:00:00Z")), false);
    assertThat(reads.positionAt(Instant.EPOCH)).isEqualTo(1);
    assertThat(reads.positionAt(t1)).isEqualTo(1);
    assertThat(reads.positionAt(t1.plusNanos(1))).isEqualTo(4);
    assertThat(reads.positionAt(t2)).isEqualTo(4);
    assertThat(reads.positionAt(t2.plusNanos(999))).isEqualTo(6);
    assertThat(reads.positionAt(Instant.parse("2024-06-01T00:00:00Z"))).isEqualTo(6);
    assertThat(reads.positionAt(Instant.parse("2024-06-01T00:00:00.000001Z"))).isEqualTo(7);
    assertThat(reads.positionAt(Instant.MAX)).isEqualTo(7);
    assertThat(reads.positionAt(Instant.MIN)).isEqualTo(1);
    assertThat(reads.positionAt(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo(7);
  }

  /** The search over positions agrees with a scan of every event, on stamps shared by whole appends and repeated across them. */
  @Test
  void agrees_with_a_scan_on_many_appends_of_repeated_stamps() {
    java.util.Random random = new java.util.Random(19);
    List<Instant> stamps = new java.util.ArrayList<>(); // by position - 1
    Instant t = Instant.parse("2024-05-01T10:00:00Z");
    for (int a = 0; a < 300; a++) {
      t = t.plusNanos(1_000L * random.nextInt(3)); // 0, 1 or 2 microseconds later: many appends share a stamp
      int n = 1 + random.nextInt(4);
      rows.append("s-" + random.nextInt(7), events(n), Optional.of(t), false);
      for (int i = 0; i < n; i++) {
        stamps.add(t);
      }
    }
    Instant first = stamps.getFirst().minusNanos(2_000);
    for (Instant at = first; !at.isAfter(t.plusNanos(2_000)); at = at.plusNanos(500)) {
      long expected = stamps.size() + 1;
      for (int p = 0; p < stamps.size(); p++) {
        if (!stamps.get(p).isBefore(at)) {
          expected = p + 1;
          break;
        }
      }
      assertThat(reads.positionAt(at)).as("positionAt(%s)", at).isEqualTo(expected);
    }
  }

  @Test
  void an_empty_store_answers_one() {
    assertThat(reads.positionAt(Instant.now())).isEqualTo(1);
    assertThat(reads.positionAt(Instant.EPOCH)).isEqualTo(1);
  }

  /**
   * An append in flight has stamped its events before the instant but not committed: answering now
   * (head + 1 without it) would change once it commits. The query waits for it and answers after it.
   */
  @Test
  void a_past_instant_waits_for_an_append_in_flight_stamped_before_it() throws Exception {
    rows.append("s-1", events(2));
    try (Connection writer = rows.connect()) {
      writer.setAutoCommit(false);
      long last = rows.write(writer, "s-1", events(3), Optional.empty(), true); // stamped now, holding the head
      Thread.sleep(5);
      Instant past = Instant.now();
      CompletableFuture<Long> answer = CompletableFuture.supplyAsync(() -> reads.positionAt(past));
      Thread.sleep(300);
      assertThat(answer).as("answered while an append stamped before the instant was in flight").isNotDone();
      writer.commit();
      assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(last + 1);
    }
    assertThat(reads.positionAt(Instant.now().minus(Duration.ofMillis(1)))).isEqualTo(6);
  }

  @Test
  void an_append_in_flight_does_not_delay_an_instant_some_committed_event_is_stamped_after() throws Exception {
    Instant early = Instant.parse("2024-01-01T00:00:00Z");
    rows.append("s-1", events(2), Optional.of(early), false);
    rows.append("s-1", events(1));
    try (Connection writer = rows.connect()) {
      writer.setAutoCommit(false);
      rows.write(writer, "s-1", events(3), Optional.empty(), false);
      assertThat(CompletableFuture.supplyAsync(() -> reads.positionAt(early.plusSeconds(1))).get(5, TimeUnit.SECONDS))
          .isEqualTo(3);
      writer.rollback();
    }
  }

  @Test
  void a_rolled_back_append_releases_a_waiting_query_with_the_answer_without_it() throws Exception {
    rows.append("s-1", events(2));
    try (Connection writer = rows.connect()) {
      writer.setAutoCommit(false);
      rows.write(writer, "s-1", events(3), Optional.empty(), false);
      Instant past = Instant.now();
      CompletableFuture<Long> answer = CompletableFuture.supplyAsync(() -> reads.positionAt(past));
      Thread.sleep(200);
      assertThat(answer).isNotDone();
      writer.rollback();
      assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }
  }
}
