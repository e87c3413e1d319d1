package dev.annals.postgres;

import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.annals.core.AppendResult;
import dev.annals.core.AppendValidator;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.Json;
import dev.annals.core.Metadata;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The store's write side: validates appends and imports on the caller's thread (every engine's rules,
 * {@link AppendValidator}), prepares them (data digests, imported metadata), and hands them to the
 * {@link Appender}, whose group transactions write them.
 *
 * <p>Thread-safe.
 */
final class EventWriter implements AutoCloseable {

  private final AppendValidator validator;
  private final Clock importClock;
  private final Appender appender;
  private final AppendMetrics metrics;

  /** @param onCommitted told the new head after each group that wrote events commits */
  EventWriter(Database db, GroupTransaction.Faults faults, LongConsumer onCommitted) {
    PostgresOptions options = db.options();
    this.validator = new AppendValidator(options.limits());
    this.importClock = options.clock().orElse(Clock.systemUTC());
    this.metrics = new AppendMetrics();
    ExpectedHead expected = new ExpectedHead();
    this.appender = new Appender(db, () -> new GroupTransaction(db, options.clock(), metrics, faults, expected),
        onCommitted);
    appender.start();
  }

  AppendResult append(String stream, ExpectedVersion expected, List<EventData> events) {
    validator.validate(stream, events);
    PendingWrite.Append w = PendingWrite.Append.of(stream, expected, events);
    return appender.submit(w, w.done());
  }

  ImportResult importEvents(List<ImportEvent> events) {
    validator.validateImport(events, importClock.instant());
    List<Json> metadata = new ArrayList<>(events.size());
    for (ImportEvent ie : events) {
      metadata.add(ie.event().metadata().with(Metadata.IMPORTED, BooleanNode.TRUE));
    }
    PendingWrite.Import w = PendingWrite.Import.of(events, metadata);
    return appender.submit(w, w.done());
  }

  AppendStats stats() {
    return metrics.snapshot();
  }

  /** Writes what is queued, refuses the rest; idempotent. */
  @Override
  public void close() {
    appender.close();
  }
}
