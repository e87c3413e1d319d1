package dev.annals.log;

import dev.annals.core.AppendResult;
import dev.annals.core.EventData;
import dev.annals.core.EventStoreException;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.Json;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One caller's append or import on its way through the writer, and the writer's answer to it: a
 * result of type {@code T} or a refusal ({@link EventStoreException}).
 *
 * <p>Threads: the caller builds it and waits on its {@link Completer.Ticket}. The writer thread alone
 * records the answer ({@link #answer}, {@link #refuse}) and then hands the submission on through a queue
 * (which orders the two); after that, whoever claims it in its {@link Completer.Group} (the completer
 * thread or a woken caller) completes the ticket, exactly once.
 */
abstract sealed class Submission<T> implements GroupCommit.Message permits Submission.Append, Submission.Import {

  final Prepared prepared;
  final Completer.Ticket<T> ticket;
  private @Nullable T answer;
  private @Nullable EventStoreException refusal;

  private Submission(Prepared prepared, Completer.Ticket<T> ticket) {
    this.prepared = prepared;
    this.ticket = ticket;
  }

  /** Writer thread: the staged result, handed to the caller once the group is published. */
  final void answer(T result) {
    this.answer = result;
  }

  /** Writer thread: the caller's own refusal (wrong expected version, idempotency conflict, bad input). */
  final void refuse(EventStoreException e) {
    this.refusal = e;
  }

  /** Completes the ticket with the writer's answer. */
  final void complete() {
    EventStoreException r = refusal;
    if (r != null) {
      ticket.completeExceptionally(r);
    } else {
      ticket.complete(answer);
    }
  }

  /** Fails the ticket: with the caller's own refusal when it has one (that stays its answer), else {@code cause}. */
  final void failUnlessRefused(Throwable cause) {
    EventStoreException r = refusal;
    ticket.completeExceptionally(r != null ? r : cause);
  }

  /** Fails the ticket with {@code cause}, whatever was staged. */
  final void fail(Throwable cause) {
    ticket.completeExceptionally(cause);
  }

  /** An append to one stream. */
  static final class Append extends Submission<AppendResult> {
    final String stream;
    final ExpectedVersion expected;
    final List<EventData> events;
    final List<UUID> ids;

    Append(String stream, ExpectedVersion expected, List<EventData> events, List<UUID> ids, Prepared prepared,
        Completer.Ticket<AppendResult> ticket) {
      super(prepared, ticket);
      this.stream = stream;
      this.expected = expected;
      this.events = events;
      this.ids = ids;
    }
  }

  /** An import; {@code metadata} already carries {@code "imported": true}. */
  static final class Import extends Submission<ImportResult> {
    final List<ImportEvent> events;
    final List<Json> metadata;

    Import(List<ImportEvent> events, List<Json> metadata, Prepared prepared, Completer.Ticket<ImportResult> ticket) {
      super(prepared, ticket);
      this.events = events;
      this.metadata = metadata;
    }
  }

  /**
   * What the caller works out on its own thread before it submits, so the single writer, through which
   * every append passes in turn, has less to do per event: the stream's index entry when it already
   * existed (entries are never replaced, so the writer may use it as its own lookup's answer) and the
   * SHA-256 of each event's data, which the chain hash includes ({@link EventRecord#computeChain}).
   *
   * @param entry the stream's entry, or null when the stream had none (the writer looks again)
   * @param dataDigests one per event, in order
   */
  record Prepared(StreamIndex.@Nullable Entry entry, byte[][] dataDigests) {

    /** Digests {@code events}' data with {@code sha}, the caller's own digest. */
    static Prepared of(StreamIndex.@Nullable Entry entry, List<EventData> events, MessageDigest sha) {
      byte[][] digests = new byte[events.size()][];
      for (int i = 0; i < digests.length; i++) {
        digests[i] = EventRecord.dataDigest(events.get(i).data().unsafeBytes(), sha);
      }
      return new Prepared(entry, digests);
    }
  }
}
