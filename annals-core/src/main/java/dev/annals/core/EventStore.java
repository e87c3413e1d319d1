package dev.annals.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * An event store: an immutable, ordered log of events grouped in streams (docs/http-api.md). Every engine
 * implements it and passes the contract suite in annals-core's test-jar.
 *
 * <p>Implementations are thread-safe. Stream names starting with {@code $} are accepted here (they
 * are the system's, e.g. snapshots); network front-ends reject them from clients.
 */
public interface EventStore extends AutoCloseable {

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
   * Reads up to {@code limit} events of a stream from version {@code fromVersion} (inclusive). Going
   * backward from past the last version starts at the last event; going forward from 0 starts at 1. A
   * stream without events reads as an empty page.
   */
  Page readStream(String stream, long fromVersion, Direction direction, int limit);

  /** The last {@code limit} events of a stream, newest first (a backward read from its last event). */
  default Page readStreamFromEnd(String stream, int limit) {
    return readStream(stream, Long.MAX_VALUE, Direction.BACKWARD, limit); // past the last: starts at it
  }

  /**
   * Reads up to {@code limit} events of the global log matching {@code filter}, from position
   * {@code fromPosition} (inclusive). Going backward from past the head starts at the head.
   */
  Page readAll(long fromPosition, Direction direction, int limit, Filter filter);

  /** The last {@code limit} events of the log matching {@code filter}, newest first (backward from the head). */
  default Page readAllFromEnd(int limit, Filter filter) {
    return readAll(Long.MAX_VALUE, Direction.BACKWARD, limit, filter); // past the head: starts at it
  }

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
   * Delivers every event matching {@code filter} from position {@code fromPosition} (inclusive),
   * catching up from the log and then live, in order, with no gap and no duplicate. A slow handler
   * never blocks writers.
   */
  Subscription subscribeToAll(long fromPosition, Filter filter, EventHandler handler);

  /** Like {@link #subscribeToAll}, live only: the events appended after the head as this call reads it. */
  default Subscription subscribeToAllLive(Filter filter, EventHandler handler) {
    return subscribeToAll(headPosition() + 1, filter, handler);
  }

  /** Like {@link #subscribeToAll} for one stream, from version {@code fromVersion} (inclusive). */
  Subscription subscribeToStream(String stream, long fromVersion, EventHandler handler);

  /** Like {@link #subscribeToStream}, live only: the stream's events after its version as this call reads it. */
  default Subscription subscribeToStreamLive(String stream, EventHandler handler) {
    return subscribeToStream(stream, streamVersion(stream) + 1, handler);
  }

  /**
   * Up to {@code limit} of the streams {@code query} selects, in name order, each with its version and
   * last event. Engines answer from their own stream index, never by scanning the log.
   *
   * @throws InvalidInputException {@code limit} is below 1 or over the store's limit
   */
  List<StreamInfo> listStreams(StreamQuery query, int limit);

  /** Stops subscriptions and releases resources. Idempotent. */
  @Override
  void close();
}
