package dev.annals.log;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.EventStoreException;
import dev.annals.core.Idempotency;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns submissions into a group's records: checks idempotency and expected versions against the stream
 * heads (counting the events staged but not published yet: pipelined groups in flight and the group being
 * staged), stamps recordedAt, assigns positions and versions, and encodes the records, hash chain
 * included, into one buffer for one write. Each submission gets its answer ({@link Submission#answer}) or
 * its refusal ({@link Submission#refuse}); nothing here does I/O except reading back an earlier event an
 * idempotent retry names.
 *
 * <p>A group's life: {@link #begin}, {@link #stage} per submission, then {@link #written} once the
 * buffer is on the file or {@link #unstage} when the write failed; {@link #published} once readers see it.
 *
 * <p>Writer thread only (not thread-safe). It is the only one that changes {@link StreamIndex.Entry#pendingVersion}.
 */
final class Stager {

  /** Stop adding submissions to a group once its buffer is this large. */
  static final int MAX_GROUP_BYTES = 8 << 20;

  /**
   * One staged event: where its record is and what an idempotent retry of it is answered.
   *
   * @param offset byte offset of its record in its segment
   */
  record Staged(StreamIndex.Entry entry, long position, long version, UUID id, long micros, int offset,
      int indexInBatch, int batchSize, boolean imported) {
    Idempotency.Written written() {
      return imported
          ? new Idempotency.Written(id, entry.name, version, position, EventRecord.micros(micros), 0, 1)
          : new Idempotency.Written(id, entry.name, version, position, EventRecord.micros(micros), indexInBatch, batchSize);
    }
  }

  private final LogState state;
  private final LogOptions options;
  private final IdWindow ids;
  private final MessageDigest sha = EventRecord.sha256();

  /** The chain hash and recordedAt of the last event written. */
  private byte[] chain;
  private long lastMicros;
  /** The next position to stage (past the published head while groups are in flight). */
  private long nextPosition;
  /** Staged events not yet published (in flight and in the group being staged), by id and by stream. */
  private final Map<UUID, Staged> pendingIds = new HashMap<>();
  private final Map<StreamIndex.Entry, List<Staged>> pendingByStream = new HashMap<>();

  // the group being staged
  private ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
  private List<Staged> staged = new ArrayList<>();
  private byte[] groupChain;
  private long groupMicros;
  private long groupFirstPosition;
  /** The segment offset the group's buffer will be written at. */
  private long groupOffset;

  Stager(LogState state, IdWindow ids, byte[] chain, long lastRecordedAtMicros) {
    this.state = state;
    this.options = state.options;
    this.ids = ids;
    this.chain = chain;
    this.groupChain = chain;
    this.lastMicros = lastRecordedAtMicros;
    this.nextPosition = state.head() + 1;
  }

  /** Starts a group whose buffer will be written at {@code segmentOffset} of the active segment. */
  void begin(long segmentOffset) {
    buffer.clear();
    staged = new ArrayList<>();
    groupChain = chain.clone();
    groupMicros = lastMicros;
    groupFirstPosition = nextPosition;
    groupOffset = segmentOffset;
  }

  /** The group is as large as one write should be, or would carry its segment past the largest size. */
  boolean full() {
    return buffer.position() >= MAX_GROUP_BYTES || groupOffset + buffer.position() >= LogOptions.MAX_SEGMENT_BYTES;
  }

  /** Stages one submission into the group and records its answer or refusal on it. */
  void stage(Submission<?> s) {
    try {
      switch (s) {
        case Submission.Append a -> a.answer(stageAppend(a));
        case Submission.Import i -> i.answer(stageImport(i));
      }
    } catch (EventStoreException e) {
      s.refuse(e);
    }
  }

  /** No event was staged in this group (retries and refusals only). */
  boolean isEmpty() {
    return staged.isEmpty();
  }

  /** The group's records, ready to write (flipped). */
  ByteBuffer records() {
    return buffer.flip();
  }

  /** The group is on the file: the chain goes on from it. Returns its events, for publishing. */
  List<Staged> written() {
    chain = groupChain;
    lastMicros = groupMicros;
    return staged;
  }

  /** Takes back the events of the group being staged (its write failed): pending versions, ids, positions. */
  void unstage() {
    for (int i = staged.size() - 1; i >= 0; i--) {
      Staged s = staged.get(i);
      s.entry().pendingVersion = s.version() - 1;
      pendingIds.remove(s.id());
      List<Staged> pending = pendingByStream.get(s.entry());
      pending.removeLast();
      if (pending.isEmpty()) {
        pendingByStream.remove(s.entry());
      }
    }
    staged = new ArrayList<>();
    nextPosition = groupFirstPosition;
  }

  /** {@code group} is published up to {@code head}: its events are found through the id window and the stream index now. */
  void published(List<Staged> group, long head) {
    for (Staged s : group) {
      ids.add(s.id(), s.position());
      pendingIds.remove(s.id());
      List<Staged> pending = pendingByStream.get(s.entry());
      if (pending != null && pending.getFirst().position() <= head) {
        int k = 0;
        while (k < pending.size() && pending.get(k).position() <= head) {
          k++;
        }
        if (k == pending.size()) {
          pendingByStream.remove(s.entry());
        } else {
          pending.subList(0, k).clear();
        }
      }
    }
  }

  private final Idempotency.Lookup lookup = new Idempotency.Lookup() {
    @Override
    public Optional<Idempotency.Written> byId(UUID id) {
      Staged s = pendingIds.get(id);
      if (s != null) {
        return Optional.of(s.written());
      }
      long p = ids.get(id);
      if (p == 0 || p <= state.head() - options.idempotencyWindow()) {
        return Optional.empty();
      }
      return Optional.of(writtenAt(p));
    }

    @Override
    public Optional<Idempotency.Written> at(String stream, long version) {
      Optional<StreamIndex.Entry> e = state.streams.get(stream);
      if (e.isEmpty() || version < 1) {
        return Optional.empty();
      }
      StreamIndex.Entry entry = e.get();
      long published = entry.version();
      if (version <= published) {
        return Optional.of(writtenAt(entry.positions.get((int) (version - 1))));
      }
      List<Staged> pending = pendingByStream.get(entry);
      if (pending == null || version - published > pending.size()) {
        return Optional.empty();
      }
      return Optional.of(pending.get((int) (version - published - 1)).written());
    }
  };

  private Idempotency.Written writtenAt(long position) {
    RecordCursor c = state.new Reader(1 << 12).load(position, false);
    ByteBuffer b = c.buf;
    int at = c.at;
    UUID id = new UUID(EventRecord.idMost(b, at), EventRecord.idLeast(b, at));
    Instant recordedAt = EventRecord.micros(EventRecord.recordedAtMicros(b, at));
    boolean imported = EventRecord.imported(b, at);
    return new Idempotency.Written(id, EventRecord.stream(b, at), EventRecord.version(b, at), position, recordedAt,
        imported ? 0 : EventRecord.indexInBatch(b, at), imported ? 1 : EventRecord.batchSize(b, at));
  }

  private long now() {
    return EventRecord.toMicros(options.clock().instant());
  }

  private AppendResult stageAppend(Submission.Append a) {
    StreamIndex.Entry known = a.prepared.entry();
    Optional<StreamIndex.Entry> existing = known != null ? Optional.of(known) : state.streams.get(a.stream);
    long actual = existing.map(e -> e.pendingVersion).orElse(0L);
    Optional<AppendResult> earlier = Idempotency.check(a.stream, a.expected, actual, a.ids, lookup);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    a.expected.check(a.stream, actual);
    StreamIndex.Entry entry = existing.orElseGet(() -> state.streams.getOrCreate(a.stream));
    long micros = Math.max(now(), groupMicros);
    groupMicros = micros;
    Instant recordedAt = EventRecord.micros(micros);
    long firstPosition = nextPosition;
    long firstVersion = entry.pendingVersion + 1;
    int n = a.events.size();
    for (int i = 0; i < n; i++) {
      EventData e = a.events.get(i);
      stage(entry, e, a.prepared.dataDigests()[i], e.metadata().unsafeBytes(), micros, e.effectiveAt().orElse(recordedAt),
          i, n, false);
    }
    return new AppendResult(a.stream, firstVersion, entry.pendingVersion, firstPosition, nextPosition - 1, recordedAt);
  }

  private ImportResult stageImport(Submission.Import r) {
    List<ImportEvent> events = r.events;
    int known = 0;
    long firstKnown = 0;
    long lastKnown = 0;
    for (int i = 0; i < events.size(); i++) {
      ImportEvent ie = events.get(i);
      Optional<Idempotency.Written> w = lookup.byId(ie.event().id());
      if (w.isPresent()) {
        if (!w.get().stream().equals(ie.stream())) {
          throw new IdempotencyConflictException(ie.stream(), ie.event().id(),
              "was already written to stream '" + w.get().stream() + "'");
        }
        if (known == 0) {
          firstKnown = w.get().position();
        }
        lastKnown = w.get().position();
        known++;
      }
    }
    if (known == events.size()) {
      return new ImportResult(events.size(), firstKnown, lastKnown);
    }
    if (known > 0) {
      throw new IdempotencyConflictException(events.get(0).stream(), events.get(0).event().id(),
          "import mixes " + known + " already written events with new ones");
    }
    // after the ids: a retry of an import that was written is answered as such, not refused for its times
    long first = EventRecord.toMicros(events.get(0).recordedAt());
    if (first < groupMicros) {
      throw new InvalidInputException("recordedAt " + events.get(0).recordedAt() + " is before the store's last recordedAt "
          + EventRecord.micros(groupMicros));
    }
    long firstPosition = nextPosition;
    for (int i = 0; i < events.size(); i++) {
      ImportEvent ie = events.get(i);
      long micros = EventRecord.toMicros(ie.recordedAt());
      groupMicros = Math.max(groupMicros, micros);
      StreamIndex.Entry entry = state.streams.getOrCreate(ie.stream());
      stage(entry, ie.event(), r.prepared.dataDigests()[i], r.metadata.get(i).unsafeBytes(), micros,
          ie.event().effectiveAt().orElse(EventRecord.micros(micros)), i, events.size(), true);
    }
    return new ImportResult(events.size(), firstPosition, nextPosition - 1);
  }

  private void stage(StreamIndex.Entry entry, EventData e, byte[] dataDigest, byte[] metadata, long micros,
      Instant effectiveAt, int index, int batchSize, boolean imported) {
    byte[] type = e.type().getBytes(StandardCharsets.ISO_8859_1);
    byte[] data = e.data().unsafeBytes();
    int size = EventRecord.size(entry.nameBytes.length, type.length, data.length, metadata.length);
    ensureCapacity(size);
    int offset = (int) (groupOffset + buffer.position());
    long position = nextPosition++;
    long version = ++entry.pendingVersion;
    EventRecord.write(buffer, position, version, e.id(), micros, effectiveAt, batchSize, index, imported,
        entry.nameBytes, type, data, dataDigest, metadata, groupChain, sha);
    Staged s = new Staged(entry, position, version, e.id(), micros, offset, index, batchSize, imported);
    staged.add(s);
    pendingIds.put(e.id(), s);
    pendingByStream.computeIfAbsent(entry, k -> new ArrayList<>()).add(s);
  }

  private void ensureCapacity(int more) {
    if (buffer.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
      buffer.flip();
      bigger.put(buffer);
      buffer = bigger;
    }
  }
}
