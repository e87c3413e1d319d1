package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.ChainHash;
import dev.annals.core.CopyRefusedException;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.StoreCopy;
import dev.annals.core.StoredEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Copying into and out of PostgreSQL: every field kept, the same head, empty targets only. */
@ExtendWith(TestPostgres.class)
class PostgresCopyTest {

  @Test
  void events_copied_in_read_back_equal_with_the_same_head(LocalPostgres pg) throws Exception {
    List<StoredEvent> events = CopyFixtures.events(60);
    try (Connection c = CopyFixtures.newStore(pg)) {
      StoreCopy.Result r = StoreCopy.copy(CopyFixtures.source(events), PostgresEventTarget.begin(c, "db"),
          StoreCopy.Progress.NONE);
      assertThat(r.same()).isTrue();
      assertThat(r.target().position()).isEqualTo(events.size());
      assertThat(r.target().hash()).isEqualTo(ChainHash.hex(events.get(events.size() - 1).chainHash()));
      List<StoredEvent> back = new ArrayList<>();
      new PostgresEventSource(c, "db").forEach(back::add);
      assertThat(back).containsExactlyElementsOf(events);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), max(version) FROM annals_streams")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
    }
  }

  @Test
  void a_copy_into_a_new_database_makes_a_store_the_engine_reads_and_appends_to(LocalPostgres pg) throws Exception {
    List<StoredEvent> events = CopyFixtures.events(25);
    PostgresOptions options = CopyFixtures.options(pg, pg.createDatabase());
    StoreCopy.Result r;
    try (PostgresEventTarget target = PostgresEventTarget.begin(options)) {
      r = StoreCopy.copy(CopyFixtures.source(events), target, StoreCopy.Progress.NONE);
    }
    assertThat(r.same()).isTrue();
    try (PostgresEventStore store = PostgresEventStore.open(options)) {
      assertThat(store.headPosition()).isEqualTo(events.size());
      assertThat(store.readAll(1, Direction.FORWARD, 1000, Filter.everything()).events())
          .isEqualTo(events.stream().map(StoredEvent::event).toList());
      assertThat(store.append("account-1", ExpectedVersion.exactly(store.readStreamFromEnd("account-1", 1).events()
          .get(0).version()), List.of(EventData.of("More", "{}"))).firstPosition()).isEqualTo(events.size() + 1);
    }
    PostgresVerifyReport after = PostgresVerifier.verify(options, PostgresVerifier.Progress.NONE);
    assertThat(after.problems()).isEmpty();
    assertThat(after.headPosition()).isEqualTo(events.size() + 1);
    List<StoredEvent> back = new ArrayList<>();
    try (PostgresEventSource source = PostgresEventSource.open(options)) {
      source.forEach(back::add);
    }
    assertThat(back.subList(0, events.size())).isEqualTo(events);
    assertThat(back.get(events.size()).batchSize()).isEqualTo(1);
  }

  @Test
  void a_target_that_holds_events_is_refused_and_left_as_it_was(LocalPostgres pg) throws Exception {
    List<StoredEvent> events = CopyFixtures.events(5);
    try (Connection c = CopyFixtures.newStore(pg)) {
      StoreCopy.copy(CopyFixtures.source(events), PostgresEventTarget.begin(c, "db"), StoreCopy.Progress.NONE);
      assertThatThrownBy(() -> PostgresEventTarget.begin(c, "the database x"))
          .isInstanceOf(CopyRefusedException.class)
          .hasMessage("the database x is not empty (its head is at position " + events.size()
              + "); a copy only fills an empty store, and nothing was written");
      assertThat(c.getAutoCommit()).isTrue();
      assertThat(PostgresVerifier.verify(c, PostgresVerifier.Progress.NONE).headPosition()).isEqualTo(events.size());
    }
  }

  @Test
  void a_database_without_the_tables_is_refused(LocalPostgres pg) throws Exception {
    try (Connection c = DirectConnection.open(CopyFixtures.options(pg, pg.createDatabase()))) {
      assertThatThrownBy(() -> PostgresEventTarget.begin(c, "db"))
          .isInstanceOf(CopyRefusedException.class)
          .hasMessageContaining("holds no Annals store");
    }
  }

  @Test
  void a_copy_that_fails_midway_leaves_the_target_empty(LocalPostgres pg) throws Exception {
    List<StoredEvent> events = new ArrayList<>(CopyFixtures.events(20));
    StoredEvent broken = events.get(10);
    events.set(10, new StoredEvent(broken.event(), broken.batchSize(), broken.indexInBatch(), !broken.imported(),
        broken.chainHash()));
    try (Connection c = CopyFixtures.newStore(pg)) {
      try (PostgresEventTarget target = PostgresEventTarget.begin(c, "db")) {
        assertThatThrownBy(() -> StoreCopy.copy(CopyFixtures.source(events), target, StoreCopy.Progress.NONE))
            .isInstanceOf(CopyRefusedException.class)
            .hasMessageContaining("hash chain is broken at position 11");
      }
      PostgresVerifyReport after = PostgresVerifier.verify(c, PostgresVerifier.Progress.NONE);
      assertThat(after.ok()).isTrue();
      assertThat(after.events()).isZero();
      StoreCopy.copy(CopyFixtures.source(CopyFixtures.events(3)), PostgresEventTarget.begin(c, "db"),
          StoreCopy.Progress.NONE);
    }
  }
}
