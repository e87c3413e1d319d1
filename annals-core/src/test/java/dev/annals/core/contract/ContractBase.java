package dev.annals.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.ImportEvent;
import dev.annals.core.ImportResult;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.PayloadTooLargeException;
import dev.annals.core.RecordedEvent;
import dev.annals.core.WrongExpectedVersionException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every contract class shares: a fresh store per test (created with {@code Limits.defaults()})
 * and helpers to make and read events.
 */
public abstract class ContractBase {

  protected EventStore store;

  /** A fresh, empty store with default limits. */
  protected abstract EventStore createStore() throws Exception;

  /** Whether global positions are gap-free (the embedded log and in-memory store: yes). */
  protected boolean gapFreePositions() {
    return true;
  }

  @BeforeEach
  protected void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  protected void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  protected static EventData event(String type, String json) {
    return EventData.of(type, json);
  }

  protected static EventData event(int n) {
    return EventData.of("Happened", "{\"n\":" + n + "}");
  }

  protected static List<EventData> events(int count) {
    return IntStream.range(0, count).mapToObj(ContractBase::event).toList();
  }

  protected List<RecordedEvent> all() {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, 1000, Filter.everything());
      out.addAll(p.events());
      if (p.end()) {
        return out;
      }
      from = p.next();
    }
  }

  protected List<RecordedEvent> stream(String name) {
    return store.readStream(name, 1, Direction.FORWARD, 10_000).events();
  }

  protected void assertUnchanged(Runnable badCall) {
    List<RecordedEvent> before = all();
    long head = store.headPosition();
    try {
      badCall.run();
    } catch (RuntimeException expected) {
      // the caller asserts the exception; here only that nothing changed
    }
    assertThat(store.headPosition()).isEqualTo(head);
    assertThat(all()).isEqualTo(before);
  }

}
