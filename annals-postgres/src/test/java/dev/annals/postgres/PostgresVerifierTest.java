package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.ChainHash;
import dev.annals.core.StoreCopy;
import dev.annals.core.StoredEvent;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Verify on PostgreSQL: a clean store passes; each kind of damage is reported at its position. */
@ExtendWith(TestPostgres.class)
class PostgresVerifierTest {

  private static final List<StoredEvent> EVENTS = CopyFixtures.events(30);

  /** A store holding {@link #EVENTS}, then {@code damage} run on it, then verified. */
  private static PostgresVerifyReport verifyAfter(LocalPostgres pg, String... damage) throws Exception {
    try (Connection c = CopyFixtures.newStore(pg)) {
      StoreCopy.copy(CopyFixtures.source(EVENTS), PostgresEventTarget.begin(c, "db"), StoreCopy.Progress.NONE);
      try (Statement s = c.createStatement()) {
        for (String sql : damage) {
          s.execute(sql);
        }
      }
      return PostgresVerifier.verify(c, PostgresVerifier.Progress.NONE);
    }
  }

  @Test
  void a_clean_store_verifies_with_the_head_hash_of_its_last_event(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg);
    assertThat(r.problems()).isEmpty();
    assertThat(r.events()).isEqualTo(EVENTS.size());
    assertThat(r.headPosition()).isEqualTo(EVENTS.size());
    assertThat(r.headHash()).isEqualTo(ChainHash.hex(EVENTS.get(EVENTS.size() - 1).chainHash()));
  }

  @Test
  void an_empty_store_verifies_with_the_genesis_hash(LocalPostgres pg) throws Exception {
    try (Connection c = CopyFixtures.newStore(pg)) {
      PostgresVerifyReport r = PostgresVerifier.verify(c, PostgresVerifier.Progress.NONE);
      assertThat(r.problems()).isEmpty();
      assertThat(r.headHash()).isEqualTo("0".repeat(64));
    }
  }

  @Test
  void an_edited_data_byte_is_reported_at_its_position(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg,
        "UPDATE annals_events SET data = overlay(data placing '\\x39'::bytea from 7 for 1) WHERE position = 7");
    assertThat(r.problems()).containsExactly(
        "position 7: data_digest is not the SHA-256 of the data (the data or its digest was changed)");
  }

  @Test
  void an_edited_data_with_its_digest_rewritten_breaks_the_chain(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg,
        "UPDATE annals_events SET data = overlay(data placing '\\x39'::bytea from 7 for 1) WHERE position = 7",
        "UPDATE annals_events SET data_digest = sha256(data) WHERE position = 7");
    assertThat(r.problems()).containsExactly(
        "position 7: hash chain broken (the stored hash does not match the event and the previous hash)");
  }

  @Test
  void an_edited_stored_chain_hash_is_reported(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg,
        "UPDATE annals_events SET chain = sha256(chain) WHERE position = 12");
    assertThat(r.problems()).contains(
        "position 12: hash chain broken (the stored hash does not match the event and the previous hash)");
  }

  @Test
  void a_deleted_row_is_reported_as_a_gap(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg, "DELETE FROM annals_events WHERE position = 9");
    assertThat(r.problems()).contains("position 9 is missing (the next row holds position 10)");
    assertThat(r.problems()).anyMatch(p -> p.startsWith("position 10: hash chain broken"));
  }

  @Test
  void a_wrong_head_row_is_reported(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg, "UPDATE annals_head SET position = position - 1");
    assertThat(r.problems()).containsExactly(
        "annals_head: says position " + (EVENTS.size() - 1) + ", the last event is at " + EVENTS.size());
  }

  @Test
  void a_stream_table_that_disagrees_with_the_events_is_reported(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg,
        "UPDATE annals_streams SET version = version + 1 WHERE stream = 'account-1'",
        "DELETE FROM annals_streams WHERE stream = 'account-2'");
    assertThat(r.problems()).hasSize(2);
    assertThat(r.problems()).anyMatch(p -> p.startsWith("annals_streams: 'account-1' says version"));
    assertThat(r.problems()).contains("annals_streams: 'account-2' is missing (its events are there)");
  }

  @Test
  void a_broken_version_sequence_is_reported(LocalPostgres pg) throws Exception {
    PostgresVerifyReport r = verifyAfter(pg, "UPDATE annals_events SET version = version + 100 WHERE position = "
        + EVENTS.size());
    assertThat(r.problems()).anyMatch(p -> p.startsWith("position " + EVENTS.size() + ": holds version"));
  }
}
