package dev.annals.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Json;
import dev.annals.cqrs.Decider;
import dev.annals.cqrs.codec.EncodedEvent;
import dev.annals.cqrs.codec.JacksonEventCodec;
import dev.annals.cqrs.codec.JacksonStateCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A small ledger domain for the write-side and time-travel workloads. */
final class Ledger {

  private Ledger() {}

  sealed interface LedgerEvent {}

  record Credited(long amount, String memo) implements LedgerEvent {}

  record Debited(long amount, String memo) implements LedgerEvent {}

  record Balance(long balance, long entries) {}

  static final Decider<Object, Balance, LedgerEvent> DECIDER = Decider.of(
      (c, s) -> List.of(), Ledger::evolve, new Balance(0, 0));

  static Balance evolve(Balance s, LedgerEvent e) {
    return switch (e) {
      case Credited c -> new Balance(s.balance() + c.amount(), s.entries() + 1);
      case Debited d -> new Balance(s.balance() - d.amount(), s.entries() + 1);
    };
  }

  static JacksonEventCodec<LedgerEvent> codec() {
    return JacksonEventCodec.builder(LedgerEvent.class)
        .register("Credited", Credited.class)
        .register("Debited", Debited.class)
        .build();
  }

  static JacksonStateCodec<Balance> stateCodec() {
    return JacksonStateCodec.of("ledger", 1, Balance.class);
  }

  static LedgerEvent event(int i) {
    return i % 3 == 2 ? new Debited(i % 17, "entry " + i) : new Credited(i % 29 + 1, "entry " + i);
  }

  /**
   * Appends {@code count} events to {@code stream} in appends of {@code batch}, with the metadata the
   * command handler writes (command, correlation and causation ids, actor, schema).
   */
  static List<LedgerEvent> write(EventStore store, JacksonEventCodec<LedgerEvent> codec, String stream, int count,
      int batch) {
    List<LedgerEvent> written = new ArrayList<>(count);
    for (int from = 0; from < count; from += batch) {
      List<EventData> events = new ArrayList<>(batch);
      String commandId = UUID.randomUUID().toString();
      for (int i = from; i < Math.min(count, from + batch); i++) {
        LedgerEvent e = event(i);
        EncodedEvent enc = codec.encode(e);
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("schema", enc.schema()).put("commandId", commandId).put("correlationId", commandId)
            .put("causationId", commandId).put("actor", "bench");
        events.add(new EventData(UUID.randomUUID(), enc.type(), enc.data(), Json.of(meta), Optional.empty()));
        written.add(e);
      }
      store.append(stream, ExpectedVersion.ANY, events);
    }
    return written;
  }

  /** A clock that moves one step forward each time it is read: every append gets its own recordedAt. */
  static final class TickingClock extends Clock {
    private Instant now;
    private final Duration step;

    TickingClock(Instant start, Duration step) {
      this.now = start;
      this.step = step;
    }

    @Override
    public synchronized Instant instant() {
      now = now.plus(step);
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
