package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Times read back exactly, whether the driver hands them over as text (a statement's first executions
 * on a connection) or in binary (later ones): before 1970 and before PostgreSQL's 2000 epoch included.
 */
@ExtendWith(TestPostgres.class)
class PgEventRowsTest {

  private static final List<Instant> EFFECTIVE = List.of(
      Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("1999-12-31T23:59:59.500000001Z"),
      Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("0001-01-01T00:00:00.000000001Z"),
      Instant.parse("2100-07-08T09:10:11.123456789Z"));

  @Test
  void recorded_and_effective_times_read_back_exactly_in_text_and_in_binary(LocalPostgres server) {
    try (RowWriter rows = RowWriter.create(server, server.createDatabase()); ReadSide reads = rows.readSide()) {
      Instant recorded = Instant.parse("1999-06-01T00:00:00.000001Z");
      for (Instant effective : EFFECTIVE) {
        rows.append("s-1", List.of(EventData.of("E", "{}").withEffectiveAt(effective)), Optional.of(recorded), false);
      }
      rows.append("s-1", List.of(EventData.of("E", "{}")), Optional.of(Instant.parse("2024-02-29T12:00:00.654321Z")),
          false);
      for (int i = 0; i < 20; i++) { // the driver switches to binary results after five executions
        List<RecordedEvent> got = reads.readAll(1, Direction.FORWARD, 100, Filter.all()).events();
        assertThat(got).extracting(RecordedEvent::effectiveAt).as("read %d", i)
            .containsExactly(EFFECTIVE.get(0), EFFECTIVE.get(1), EFFECTIVE.get(2), EFFECTIVE.get(3), EFFECTIVE.get(4),
                Instant.parse("2024-02-29T12:00:00.654321Z"));
        assertThat(got).extracting(RecordedEvent::recordedAt).as("read %d", i)
            .containsExactly(recorded, recorded, recorded, recorded, recorded,
                Instant.parse("2024-02-29T12:00:00.654321Z"));
      }
    }
  }
}
