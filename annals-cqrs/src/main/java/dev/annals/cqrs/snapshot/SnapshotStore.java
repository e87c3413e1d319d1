package dev.annals.cqrs.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.core.Limits;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.codec.StateCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Snapshots of one state fold, stored as events of type {@value #TYPE} in the system stream
 * {@code $snapshot-<stream>} (streams whose name is too long for the prefix use
 * {@code $snapshot-#<sha-256 of the name>}). Each snapshot event holds the encoded state as data and,
 * in metadata, {@code snapshotOf} (the stream), {@code state} (the codec's name), {@code stateSchema},
 * {@code version} (the last folded version) and {@code lastRecordedAt} (that event's recordedAt).
 *
 * <p>A snapshot is used only when its stream, state name and schema match and its state decodes;
 * anything else is ignored, never trusted ({@link Latest#replace()} tells the loader to write a fresh
 * one). Snapshots are found by binary search over the snapshot stream (their versions and times grow
 * with the stream, except for a few written out of order by concurrent handlers, which a small window
 * around the search result covers), so finding one reads O(log n) snapshot events.
 *
 * <p>Thread-safe: all state lives in the {@link EventStore}.
 */
public final class SnapshotStore<S> {

  /** Event type of snapshot events. */
  public static final String TYPE = "annals.snapshot";

  private static final String PREFIX = "$snapshot-";
  private static final int WINDOW = 8;
  private static final int MAX_SCAN = 256;

  private final EventStore store;
  private final StateCodec<S> codec;
  private final SnapshotPolicy policy;

  public SnapshotStore(EventStore store, StateCodec<S> codec, SnapshotPolicy policy) {
    this.store = store;
    this.codec = codec;
    this.policy = policy;
  }

  /**
   * The latest usable snapshot for loading a stream now.
   *
   * @param replace true when the newest snapshot of this state was unusable (stale schema, unreadable):
   *     the caller should write a fresh one once it has folded the state
   */
  public record Latest<S>(Optional<Snapshot<S>> snapshot, boolean replace) {}

  private record Header(String of, String name, int schema, long version, Instant lastRecordedAt) {}

  /** The system stream holding the snapshots of {@code stream}. */
  public static String streamFor(String stream) {
    String name = PREFIX + stream;
    if (name.getBytes(StandardCharsets.UTF_8).length <= Limits.MAX_STREAM_NAME_BYTES) {
      return name;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(stream.getBytes(StandardCharsets.UTF_8));
      return PREFIX + "#" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public SnapshotPolicy policy() {
    return policy;
  }

  public StateCodec<S> codec() {
    return codec;
  }

  /** The latest usable snapshot whose version is at most {@code streamVersion} (the stream's current one). */
  public Latest<S> latest(String stream, long streamVersion) {
    // Nearly every snapshot fits this bound (only a bogus one lies ahead of the stream): no search, scan from the end.
    return find(stream, h -> h.version() <= streamVersion, true);
  }

  /** The usable snapshot with the highest version at most {@code version}. */
  public Optional<Snapshot<S>> atOrBefore(String stream, long version) {
    return find(stream, h -> h.version() <= version, false).snapshot();
  }

  /**
   * The usable snapshot with the highest version among those taken of events all recorded at or before
   * {@code t} (its {@code lastRecordedAt <= t}): a valid start for {@code stateKnownAt(t)}.
   */
  public Optional<Snapshot<S>> knownAt(String stream, Instant t) {
    return find(stream, h -> !h.lastRecordedAt().isAfter(t), false).snapshot();
  }

  /**
   * Writes a snapshot of {@code state} after version {@code version}, whose event was recorded at
   * {@code lastRecordedAt}.
   */
  public void save(String stream, S state, long version, Instant lastRecordedAt) {
    if (version < 1) {
      throw new IllegalArgumentException("a snapshot needs at least one folded event, version was " + version);
    }
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("snapshotOf", stream);
    meta.put("state", codec.name());
    meta.put("stateSchema", codec.schema());
    meta.put("version", version);
    meta.put("lastRecordedAt", lastRecordedAt.toString());
    store.append(streamFor(stream), ExpectedVersion.ANY,
        new EventData(UUID.randomUUID(), TYPE, codec.encode(state), Json.of(meta), Optional.empty()));
  }

  private Latest<S> find(String stream, Predicate<Header> fits, boolean fromEnd) {
    String ss = streamFor(stream);
    long n = store.streamVersion(ss);
    if (n == 0) {
      return new Latest<>(Optional.empty(), false);
    }
    long lo = fromEnd ? n + 1 : 1;
    long hi = n;
    long best = fromEnd ? n : 0;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      Page p = store.readStream(ss, mid, Direction.FORWARD, 1);
      Optional<Header> h = p.isEmpty() ? Optional.empty() : header(p.events().get(0), stream);
      if (h.isEmpty() || fits.test(h.get())) {
        // Unreadable headers count as fitting so the window scan below looks at them (and skips them).
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    Optional<Snapshot<S>> chosen = Optional.empty();
    boolean newestOfMineSeen = false;
    boolean replace = false;
    long from = Math.min(n, best + WINDOW);
    int scanned = 0;
    while (from >= 1 && scanned < MAX_SCAN) {
      Page page = store.readStream(ss, from, Direction.BACKWARD, 2 * WINDOW);
      for (RecordedEvent e : page.events()) {
        scanned++;
        Optional<Header> h = header(e, stream);
        // An unreadable header may be a damaged snapshot of ours: it counts as ours, and unusable.
        boolean mine = h.isEmpty() || h.get().name().equals(codec.name());
        if (mine) {
          boolean current = h.isPresent() && h.get().schema() == codec.schema();
          boolean candidate = current && fits.test(h.get())
              && chosen.map(c -> c.version() < h.get().version()).orElse(true);
          Optional<S> state = candidate || (current && !newestOfMineSeen) ? decode(e) : Optional.empty();
          if (!newestOfMineSeen) {
            newestOfMineSeen = true;
            replace = state.isEmpty();
          }
          if (candidate && state.isPresent()) {
            chosen = Optional.of(new Snapshot<>(stream, state.get(), h.get().version(), h.get().lastRecordedAt(),
                e.recordedAt()));
          }
        }
        if (chosen.isPresent() && e.version() < best - WINDOW) {
          return new Latest<>(chosen, replace);
        }
      }
      if (page.end()) {
        break;
      }
      from = page.next();
    }
    return new Latest<>(chosen, replace);
  }

  private Optional<S> decode(RecordedEvent e) {
    try {
      return Optional.of(codec.decode(e.data()));
    } catch (RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  private static Optional<Header> header(RecordedEvent e, String stream) {
    if (!TYPE.equals(e.type())) {
      return Optional.empty();
    }
    JsonNode m = e.metadata().toNode();
    JsonNode of = m.get("snapshotOf");
    JsonNode name = m.get("state");
    JsonNode schema = m.get("stateSchema");
    JsonNode version = m.get("version");
    JsonNode last = m.get("lastRecordedAt");
    if (of == null || !of.isTextual() || !of.asText().equals(stream) || name == null || !name.isTextual()
        || schema == null || !schema.isInt() || version == null || !version.canConvertToLong()
        || version.asLong() < 1 || last == null || !last.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Header(of.asText(), name.asText(), schema.asInt(), version.asLong(),
          Instant.parse(last.asText())));
    } catch (DateTimeParseException badTime) {
      return Optional.empty();
    }
  }
}
