package dev.annals.cqrs.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External-source offsets stored beside the rows, with a compare-and-set that fences a stale consumer. */
class SourceOffsetsTest {

  private static final String SOURCE = "kafka:accounts";

  private static RecordedEvent deposit(long position, String stream, long amount) {
    return new RecordedEvent(UUID.randomUUID(), stream, 1, position, "Deposited",
        Json.of("{\"amount\":" + amount + "}"), Json.EMPTY_OBJECT, Instant.EPOCH, Instant.EPOCH);
  }

  @Test
  void a_jdbc_target_commits_rows_and_offset_together_and_fences_a_stale_expected_offset(@TempDir Path dir)
      throws Exception {
    Projection<JdbcSession> p = Ledger.jdbc(1);
    try (JdbcTarget target = JdbcTarget.sqlite(dir); JdbcTarget zombieSide = JdbcTarget.sqlite(dir);
        Connection reader = target.openReader()) {
      target.open(p, 1);
      assertThat(target.openSource(p.id(), SOURCE, 3)).containsExactly(new SourceOffset(0, SourceOffset.NONE, 0),
          new SourceOffset(1, SourceOffset.NONE, 0), new SourceOffset(2, SourceOffset.NONE, 0));

      try (var owner = target.begin(p.id(), 1)) {
        p.apply(owner.session(), deposit(5, "account-1", 10));
        owner.commitSource(SOURCE, SourceOffset.NONE, new SourceOffset(1, 8, 5));
      }
      // A zombie that read the partition before the owner's commit cannot commit on top of it.
      try (var zombie = zombieSide.begin(p.id(), 1)) {
        p.apply(zombie.session(), deposit(6, "account-1", 99));
        assertThatThrownBy(() -> zombie.commitSource(SOURCE, SourceOffset.NONE, new SourceOffset(1, 8, 6)))
            .isInstanceOf(ProjectionTarget.SourceFencedException.class)
            .hasMessageContaining("partition 1 of " + SOURCE).hasMessageContaining("stored offset 8");
      }
      assertThat(Ledger.balances(reader, "balances")).containsExactlyEntriesOf(
          java.util.Map.of("account-1", new Ledger.Balance(10, 1)));
      assertThat(target.sourceOffsets(p.id(), SOURCE)).element(1).isEqualTo(new SourceOffset(1, 8, 5));
      // A reopen keeps the stored partition count.
      assertThat(zombieSide.openSource(p.id(), SOURCE, 5)).hasSize(3);
    }
  }

  @Test
  void dropping_a_jdbc_version_removes_its_source_offsets(@TempDir Path dir) {
    Projection<JdbcSession> v1 = Ledger.jdbc(1);
    Projection<JdbcSession> v2 = Ledger.jdbc(2);
    try (JdbcTarget target = JdbcTarget.sqlite(dir)) {
      target.open(v1, 1);
      target.open(v2, 1);
      target.openSource(v2.id(), SOURCE, 2);
      target.drop(v2);
      assertThat(target.sourceOffsets(v2.id(), SOURCE)).isEmpty();
    }
  }

  @Test
  void a_memory_target_publishes_rows_and_offset_together_and_fences_a_stale_expected_offset() throws Exception {
    Projection<MemoryTables> p = Ledger.memory(1);
    try (MemoryTarget target = new MemoryTarget()) {
      target.open(p, 1);
      assertThat(target.openSource(p.id(), SOURCE, 2)).hasSize(2);
      try (var owner = target.begin(p.id(), 0); var zombie = target.begin(p.id(), 0)) {
        p.apply(owner.session(), deposit(3, "account-1", 7));
        p.apply(zombie.session(), deposit(3, "account-1", 7));
        owner.commitSource(SOURCE, SourceOffset.NONE, new SourceOffset(0, 4, 3));
        assertThatThrownBy(() -> zombie.commitSource(SOURCE, SourceOffset.NONE, new SourceOffset(0, 4, 3)))
            .isInstanceOf(ProjectionTarget.SourceFencedException.class);
      }
      assertThat(Ledger.memoryBalances(target.live("ledger").orElseThrow()))
          .containsExactlyEntriesOf(java.util.Map.of("account-1", new Ledger.Balance(7, 1)));
      assertThat(target.sourceOffsets(p.id(), SOURCE)).isEqualTo(List.of(new SourceOffset(0, 4, 3),
          new SourceOffset(1, SourceOffset.NONE, 0)));
    }
  }
}
