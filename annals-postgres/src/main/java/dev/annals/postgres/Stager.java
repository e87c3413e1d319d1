package dev.annals.postgres;

import dev.annals.core.AppendResult;
import dev.annals.core.ChainHash;
import dev.annals.core.EventData;
import dev.annals.core.EventStoreException;
import dev.annals.core.Idempotency;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides one group, in memory, from what the group's transaction read under the head lock: applies the
 * idempotency rule and the expected versions to each write in queue order (counting the writes staged
 * before it in the same group), stamps {@code recordedAt}, assigns positions and versions, and computes
 * the hash chain. The result is the rows to insert, the streams' new heads, the log's new head, and one
 * {@link Answer} per write. No I/O.
 *
 * <p>Idempotency is exact: the transaction read every written event carrying one of the group's ids (a
 * unique index), and an event at a stream's place that the rule compares with an id is only ever relevant
 * when it carries that id, so those rows answer every question the rule asks.
 *
 * <p>Writer thread only (not thread-safe); one per group.
 */
final class Stager {

  /** The log's head: last position, its recordedAt in microseconds ({@link Long#MIN_VALUE} when empty), its chain hash. */
  record Head(long position, long micros, byte[] chain) {}

  /** What the transaction read: the versions of the group's streams that exist, and the written events carrying the group's ids. */
  record Known(Map<String, Long> versions, Map<UUID, Idempotency.Written> byId) {}

  /** One event row to insert. */
  record Row(long position, String stream, long version, UUID id, String type, long recordedMicros,
      Instant effectiveAt, int batchSize, int indexInBatch, boolean imported, byte[] data, byte[] dataDigest,
      byte[] metadata, byte[] chain) {}

  /** A stream's state after the group. */
  record StreamHead(long version, long lastPosition, long lastMicros) {}

  /** What a write is answered once the group commits. */
  sealed interface Answer permits Appended, Imported, Refused {
    PendingWrite write();

    /** Completes the caller's future with this answer. */
    void complete();
  }

  record Appended(PendingWrite.Append write, AppendResult result) implements Answer {
    @Override
    public void complete() {
      write.done().complete(result);
    }
  }

  record Imported(PendingWrite.Import write, ImportResult result) implements Answer {
    @Override
    public void complete() {
      write.done().complete(result);
    }
  }

  record Refused(PendingWrite write, EventStoreException refusal) implements Answer {
    @Override
    public void complete() {
      write.fail(refusal);
    }
  }

  private final ChainHash hash;
  private final Head found;
  private final long nowMicros;
  private final Optional<Clock> clock;
  private final Known known;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, StreamHead> streams = new LinkedHashMap<>();
  private final Map<UUID, Idempotency.Written> stagedById = new HashMap<>();
  private final Map<String, Map<Long, Idempotency.Written>> byPlace = new HashMap<>();
  private byte[] chain;
  private long micros;
  private long nextPosition;

  /**
   * @param nowMicros the database's clock when the head was locked
   * @param clock the test clock, when the options carry one (then it stamps instead)
   */
  Stager(ChainHash hash, Head head, long nowMicros, Optional<Clock> clock, Known known) {
    this.hash = hash;
    this.found = head;
    this.nowMicros = nowMicros;
    this.clock = clock;
    this.known = known;
    this.chain = head.chain();
    this.micros = head.micros();
    this.nextPosition = head.position() + 1;
    for (Idempotency.Written w : known.byId().values()) {
      byPlace.computeIfAbsent(w.stream(), k -> new HashMap<>()).put(w.version(), w);
    }
  }

  /** Decides {@code w}: its answer, after staging its rows when it writes any. */
  Answer stage(PendingWrite w) {
    try {
      return switch (w) {
        case PendingWrite.Append a -> new Appended(a, stageAppend(a));
        case PendingWrite.Import i -> new Imported(i, stageImport(i));
      };
    } catch (EventStoreException e) {
      return new Refused(w, e);
    }
  }

  List<Row> rows() {
    return rows;
  }

  /** The streams the group writes, with their new heads. */
  Map<String, StreamHead> streams() {
    return streams;
  }

  /** The log's head the group was decided against. */
  Head found() {
    return found;
  }

  /** The database's clock (microseconds) the group was decided with. */
  long nowMicros() {
    return nowMicros;
  }

  /** The version of every stream the group's writes name, after the group (0: the stream does not exist). */
  Map<String, Long> versionsAfter() {
    Map<String, Long> after = new HashMap<>(known.versions());
    streams.forEach((s, h) -> after.put(s, h.version()));
    return after;
  }

  /** The log's head after the group. */
  Head head() {
    return new Head(nextPosition - 1, micros, chain);
  }

  private final Idempotency.Lookup lookup = new Idempotency.Lookup() {
    @Override
    public Optional<Idempotency.Written> byId(UUID id) {
      Idempotency.Written w = stagedById.get(id);
      return w != null ? Optional.of(w) : Optional.ofNullable(known.byId().get(id));
    }

    @Override
    public Optional<Idempotency.Written> at(String stream, long version) {
      Map<Long, Idempotency.Written> s = byPlace.get(stream);
      return s == null ? Optional.empty() : Optional.ofNullable(s.get(version));
    }
  };

  private long version(String stream) {
    StreamHead staged = streams.get(stream);
    if (staged != null) {
      return staged.version();
    }
    return known.versions().getOrDefault(stream, 0L);
  }

  private long stamp() {
    long now = clock.map(c -> ChainHash.micros(c.instant())).orElse(nowMicros);
    micros = Math.max(now, micros);
    return micros;
  }

  private AppendResult stageAppend(PendingWrite.Append a) {
    long actual = version(a.stream());
    Optional<AppendResult> earlier = Idempotency.check(a.stream(), a.expected(), actual, a.ids(), lookup);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    a.expected().check(a.stream(), actual);
    long stamp = stamp();
    Instant recordedAt = instant(stamp);
    long firstPosition = nextPosition;
    int n = a.events().size();
    for (int i = 0; i < n; i++) {
      EventData e = a.events().get(i);
      add(a.stream(), e, a.dataDigests()[i], e.metadata().unsafeBytes(), stamp, i, n, false);
    }
    return new AppendResult(a.stream(), actual + 1, actual + n, firstPosition, nextPosition - 1, recordedAt);
  }

  private ImportResult stageImport(PendingWrite.Import im) {
    List<ImportEvent> events = im.events();
    int written = 0;
    long firstWritten = 0;
    long lastWritten = 0;
    for (ImportEvent ie : events) {
      Optional<Idempotency.Written> w = lookup.byId(ie.event().id());
      if (w.isPresent()) {
        if (!w.get().stream().equals(ie.stream())) {
          throw new IdempotencyConflictException(ie.stream(), ie.event().id(),
              "was already written to stream '" + w.get().stream() + "'");
        }
        if (written == 0) {
          firstWritten = w.get().position();
        }
        lastWritten = w.get().position();
        written++;
      }
    }
    if (written == events.size()) {
      return new ImportResult(events.size(), firstWritten, lastWritten);
    }
    if (written > 0) {
      throw new IdempotencyConflictException(events.get(0).stream(), events.get(0).event().id(),
          "import mixes " + written + " already written events with new ones");
    }
    // after the ids: a retry of an import that was written is answered as such, not refused for its times
    long first = ChainHash.micros(events.get(0).recordedAt());
    if (first < micros) {
      throw new InvalidInputException("recordedAt " + events.get(0).recordedAt()
          + " is before the store's last recordedAt " + instant(micros));
    }
    long last = ChainHash.micros(events.get(events.size() - 1).recordedAt());
    long now = clock.map(c -> ChainHash.micros(c.instant())).orElse(nowMicros);
    if (last > now) {
      throw new InvalidInputException("recordedAt " + events.get(events.size() - 1).recordedAt()
          + " is after the store's clock (" + instant(now) + ")");
    }
    long firstPosition = nextPosition;
    for (int i = 0; i < events.size(); i++) {
      ImportEvent ie = events.get(i);
      long at = ChainHash.micros(ie.recordedAt());
      micros = Math.max(micros, at);
      add(ie.stream(), ie.event(), im.dataDigests()[i], im.metadata().get(i).unsafeBytes(), at, i, events.size(), true);
    }
    return new ImportResult(events.size(), firstPosition, nextPosition - 1);
  }

  private void add(String stream, EventData e, byte[] dataDigest, byte[] metadata, long recordedMicros, int index,
      int batchSize, boolean imported) {
    long position = nextPosition++;
    long version = version(stream) + 1;
    Instant recordedAt = instant(recordedMicros);
    Instant effectiveAt = e.effectiveAt().orElse(recordedAt);
    byte[] data = e.data().unsafeBytes();
    chain = hash.next(chain, position, version, e.id(), recordedAt, effectiveAt, batchSize, index, imported, stream,
        e.type(), dataDigest, data.length, metadata);
    rows.add(new Row(position, stream, version, e.id(), e.type(), recordedMicros, effectiveAt, batchSize, index,
        imported, data, dataDigest, metadata, chain));
    streams.put(stream, new StreamHead(version, position, recordedMicros));
    // as the rule sees an imported event: an append of its own (the log's reading of its import records)
    Idempotency.Written w = imported
        ? new Idempotency.Written(e.id(), stream, version, position, recordedAt, 0, 1)
        : new Idempotency.Written(e.id(), stream, version, position, recordedAt, index, batchSize);
    stagedById.put(e.id(), w);
    byPlace.computeIfAbsent(stream, k -> new HashMap<>()).put(version, w);
  }

  /** The instant {@code micros} microseconds after the epoch. */
  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
