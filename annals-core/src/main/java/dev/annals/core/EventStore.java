package dev.annals.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An event store: an immutable, ordered log of events grouped in streams (design §2). Every engine
 * implements it and passes the contract suite in annals-core's test-jar.
 *
 * <p>Implementations are thread-safe. Stream names starting with {@code $} are accepted here (they
 * are the system's, e.g. snapshots); network front-ends reject them from clients.
 */
public interface EventStore extends AutoCloseable {

  /** As a {@code from} argument: the end (backward reads start at the last event; subscriptions go live only). */
  long END = Long.MAX_VALUE;

  /**
   * Appends {@code events} to {@code stream} atomically and in order, if the stream is at
   * {@code expected}.
   *
   * @throws WrongExpectedVersionException the stream is at another version
   * @throws IdempotencyConflictException some of the ids were written before, not all by one append
   * @throws InvalidInputException bad names, types, JSON, or over a limit
   * @throws StoreUnavailableException the store cannot write
   */
  AppendResult append(String stream, ExpectedVersion expected, List<EventData> events);

  default AppendResult append(String stream, ExpectedVersion expected, EventData... events) {
    return append(stream, expected, Arrays.asList(events));
  }

  /**
   * Appends events with their original {@code recordedAt} (not before the store's last one, not after
   * now, not decreasing), each at the end of its stream, all atomically. The events get
   * {@code "imported": true} in their metadata.
   */
  ImportResult importEvents(List<ImportEvent> events);

  /**
   * Reads up to {@code limit} events of a stream from version {@code fromVersion} (inclusive; use
   * {@link #END} to read backward from the last event). A stream without events reads as an empty page.
   */
  Page readStream(String stream, long fromVersion, Direction direction, int limit);

  /**
   * Reads up to {@code limit} events of the global log matching {@code filter}, from position
   * {@code fromPosition} (inclusive; {@link #END} for backward from the head).
   */
  Page readAll(long fromPosition, Direction direction, int limit, Filter filter);

  /**
   * The first position recorded at or after {@code instant}: every event before it was recorded
   * before {@code instant}; {@link #headPosition()} + 1 when none was recorded since. For an instant in
   * the past the answer never changes later (imports aside, which bring their own recorded times): a
   * store that makes an append readable some time after it stamps it waits here until every event
   * stamped before {@code instant} is readable. Known-at views cut the log here.
   */
  long positionAt(Instant instant);

  /** The position of the last event; 0 when the store is empty. */
  long headPosition();

  /** The last version of a stream; 0 when it has no events. */
  long streamVersion(String stream);

  /**
   * Delivers every event matching {@code filter} from position {@code fromPosition} (inclusive;
   * {@link #END}: only events appended after this call), catching up from the log and then live, in
   * order, with no gap and no duplicate. A slow handler never blocks writers.
   */
  Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler);

  /** Like {@link #subscribeToAll} for one stream, from version {@code fromVersion} (inclusive). */
  Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler);

  /**
   * Streams whose names start with {@code prefix} (and are of {@code category} when given), in name
   * order, after the name {@code after} when given, at most {@code limit}. System streams are listed
   * only when the prefix starts with {@code $}.
   *
   * <p>The default scans the whole log; engines with a stream index override it.
   */
  default List<StreamInfo> listStreams(String prefix, Optional<String> category, Optional<String> after, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be >= 1, was " + limit);
    }
    Filter filter = new Filter(java.util.Set.of(), category,
        prefix.isEmpty() ? Optional.empty() : Optional.of(prefix), prefix.startsWith("$"));
    Map<String, StreamInfo> found = new TreeMap<>();
    long from = 1;
    while (true) {
      Page page = readAll(from, Direction.FORWARD, 1000, filter);
      for (RecordedEvent e : page.events()) {
        if (after.isEmpty() || e.stream().compareTo(after.get()) > 0) {
          found.put(e.stream(), new StreamInfo(e.stream(), e.version(), e.position(), e.recordedAt()));
        }
      }
      if (page.end()) {
        break;
      }
      from = page.next();
    }
    return found.values().stream().limit(limit).toList();
  }

  /** Stops subscriptions and releases resources. Idempotent. */
  @Override
  void close();
}
