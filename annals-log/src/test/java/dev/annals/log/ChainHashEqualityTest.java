package dev.annals.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoredEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The log's stored chain is the engine-independent one: for random appends and imports (any stream
 * name, type, data and metadata bytes, effective times to the nanosecond, batches of several events),
 * every record's stored chain hash equals {@link ChainHash#next} over the event's logical fields, and the
 * head hash verify prints is the last of them.
 */
class ChainHashEqualityTest {

  /** One write: an append of {@code events} to one stream, or an import of them across streams. */
  record Write(boolean imported, List<Event> events) {}

  record Event(String stream, String type, String data, String metadata, Optional<Instant> effectiveAt) {}

  @Provide
  Arbitrary<List<Write>> writes() {
    Arbitrary<String> stream = Arbitraries.strings().withCharRange('a', 'z').withChars('-', 'é', '漢').ofMinLength(1)
        .ofMaxLength(12);
    Arbitrary<String> type = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> data = Arbitraries.strings().ofMaxLength(200)
        .map(s -> "{\"v\":" + Json.of(com.fasterxml.jackson.databind.node.TextNode.valueOf(s)) + "}");
    Arbitrary<String> metadata = Arbitraries.of("{}", "{\"correlationId\":\"c-1\"}", "{ \"a\" : [1, 2.50] }");
    Arbitrary<Optional<Instant>> effective = Arbitraries.longs().between(-2_000_000_000L, 4_000_000_000L)
        .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)))
        .optional(0.5);
    Arbitrary<Event> event = Combinators.combine(stream, type, data, metadata, effective).as(Event::new);
    Arbitrary<Write> write = Combinators.combine(Arbitraries.of(false, false, true), event.list().ofMinSize(1).ofMaxSize(5))
        .as(Write::new);
    return write.list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 30)
  void every_stored_chain_hash_is_chain_hash_next_over_the_logical_fields(@ForAll("writes") List<Write> writes) {
    Path dir = TestStores.freshDir();
    try (LogEventStore store = Annals.open(dir, LogOptions.defaults().withSegmentBytes(4096))) {
      for (Write w : writes) {
        if (w.imported()) {
          List<ImportEvent> batch = new ArrayList<>();
          Instant at = Instant.now(); // not before the events already written
          for (Event e : w.events()) {
            batch.add(new ImportEvent(e.stream(), data(e), at));
          }
          store.importEvents(batch);
        } else {
          String s = w.events().get(0).stream();
          store.append(s, ExpectedVersion.ANY, w.events().stream().map(ChainHashEqualityTest::data).toList());
        }
      }
    }
    List<StoredEvent> stored = new ArrayList<>();
    try (LogEventSource source = LogEventSource.open(dir)) {
      source.forEach(stored::add);
    }
    ChainHash chain = new ChainHash();
    byte[] previous = ChainHash.genesis();
    for (StoredEvent s : stored) {
      RecordedEvent e = s.event();
      byte[] data = e.data().bytes();
      byte[] expected = chain.next(previous, e.position(), e.version(), e.id(), e.recordedAt(), e.effectiveAt(),
          s.batchSize(), s.indexInBatch(), s.imported(), e.stream(), e.type(), chain.dataDigest(data), data.length,
          e.metadata().bytes());
      assertThat(ChainHash.hex(s.chainHash())).as("position %d", e.position()).isEqualTo(ChainHash.hex(expected));
      previous = expected;
    }
    assertThat(stored).hasSize(writes.stream().mapToInt(w -> w.events().size()).sum());
    VerifyReport report = LogVerifier.verify(dir, LogVerifier.Progress.NONE);
    assertThat(report.ok()).isTrue();
    assertThat(report.headHash()).isEqualTo(ChainHash.hex(previous));
  }

  private static EventData data(Event e) {
    EventData d = new EventData(UUID.randomUUID(), e.type(), Json.of(e.data()), Json.of(e.metadata()), Optional.empty());
    return e.effectiveAt().map(d::withEffectiveAt).orElse(d);
  }
}
