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
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.Subscription;
import dev.annals.core.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Model-based test: random sequences of appends (every expected-version kind, retries and mixed
 * retries), stream reads, global reads with filters, stream listings and subscriptions, run against the store and
 * against a trivially correct model; every answer must agree. Engines extend this with their factory.
 */
public abstract class EventStoreModelProperties {

  /** A fresh, empty store with default limits. */
  protected abstract EventStore createStore() throws Exception;

  static final List<String> STREAMS = List.of("acct-1", "acct-2", "order-1", "order-2");
  static final List<String> TYPES = List.of("Opened", "Moved", "Closed");

  enum Expect { ANY, NO_STREAM, EXISTS, EXACT_CURRENT, EXACT_STALE }

  sealed interface Op permits AppendOp, RetryOp, ReadStreamOp, ReadAllOp, SubscribeOp, ListStreamsOp {}

  record AppendOp(int stream, Expect expect, List<Integer> types) implements Op {}

  /** Retries earlier batch number {@code batch} (modulo batches so far), optionally with one new id. */
  record RetryOp(int batch, boolean withNewId) implements Op {}

  record ReadStreamOp(int stream, int from, boolean backward, int limit) implements Op {}

  record ReadAllOp(int from, boolean backward, int limit, int filter) implements Op {}

  record SubscribeOp(int from, int filter) implements Op {}

  /** Lists with query number {@code query}, after the name {@code after} indexes ("" past the names: none). */
  record ListStreamsOp(int query, int after, int limit) implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> stream = Arbitraries.integers().between(0, STREAMS.size() - 1);
    Arbitrary<Op> append = Combinators.combine(stream, Arbitraries.of(Expect.class),
        Arbitraries.integers().between(0, TYPES.size() - 1).list().ofMinSize(1).ofMaxSize(4))
        .as(AppendOp::new);
    Arbitrary<Op> retry = Combinators.combine(Arbitraries.integers().between(0, 50), Arbitraries.of(true, false))
        .as(RetryOp::new);
    Arbitrary<Op> readStream = Combinators.combine(stream, Arbitraries.integers().between(0, 12),
        Arbitraries.of(true, false), Arbitraries.integers().between(1, 5)).as(ReadStreamOp::new);
    Arbitrary<Op> readAll = Combinators.combine(Arbitraries.integers().between(0, 40),
        Arbitraries.of(true, false), Arbitraries.integers().between(1, 7), Arbitraries.integers().between(0, 3))
        .as(ReadAllOp::new);
    Arbitrary<Op> subscribe = Combinators.combine(Arbitraries.integers().between(1, 40),
        Arbitraries.integers().between(0, 3)).as(SubscribeOp::new);
    Arbitrary<Op> list = Combinators.combine(Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, STREAMS.size()), Arbitraries.integers().between(1, 5)).as(ListStreamsOp::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, append), net.jqwik.api.Tuple.of(2, retry), net.jqwik.api.Tuple.of(3, readStream),
        net.jqwik.api.Tuple.of(3, readAll), net.jqwik.api.Tuple.of(1, subscribe), net.jqwik.api.Tuple.of(2, list))
        .list().ofMinSize(1).ofMaxSize(40);
  }

  static Filter filter(int kind) {
    return switch (kind) {
      case 0 -> Filter.all();
      case 1 -> Filter.category("acct");
      case 2 -> Filter.types("Moved", "Closed");
      default -> Filter.prefix("order-2");
    };
  }

  static StreamQuery query(int kind) {
    return switch (kind) {
      case 0 -> StreamQuery.all();
      case 1 -> StreamQuery.prefix("acct-");
      case 2 -> StreamQuery.all().withCategory("order");
      case 3 -> StreamQuery.prefix("o").withCategory("acct");
      default -> StreamQuery.prefix("$");
    };
  }

  /** The model: the global log as a list, batches with their results. */
  static final class Model {
    final List<RecordedEvent> log = new ArrayList<>();
    final List<List<EventData>> batches = new ArrayList<>();
    final List<AppendResult> results = new ArrayList<>();

    long version(String stream) {
      return log.stream().filter(e -> e.stream().equals(stream)).count();
    }
  }

  @Property(tries = 60)
  void store_agrees_with_the_model(@ForAll("ops") List<Op> ops) throws Exception {
    Model model = new Model();
    Map<String, Integer> counter = new HashMap<>();
    try (EventStore store = createStore()) {
      for (Op op : ops) {
        switch (op) {
          case AppendOp a -> append(store, model, a, counter);
          case RetryOp r -> retry(store, model, r);
          case ReadStreamOp r -> readStream(store, model, r);
          case ReadAllOp r -> readAll(store, model, r);
          case SubscribeOp s -> subscribe(store, model, s);
          case ListStreamsOp l -> listStreams(store, model, l);
        }
        assertThat(store.headPosition()).isEqualTo(model.log.size());
      }
      for (String s : STREAMS) {
        assertThat(store.streamVersion(s)).isEqualTo(model.version(s));
      }
    }
  }

  private void append(EventStore store, Model model, AppendOp a, Map<String, Integer> counter) {
    String stream = STREAMS.get(a.stream());
    long actual = model.version(stream);
    ExpectedVersion expected = switch (a.expect()) {
      case ANY -> ExpectedVersion.ANY;
      case NO_STREAM -> ExpectedVersion.NO_STREAM;
      case EXISTS -> ExpectedVersion.EXISTS;
      case EXACT_CURRENT -> ExpectedVersion.exactly(actual);
      case EXACT_STALE -> ExpectedVersion.exactly(actual + 1);
    };
    List<EventData> batch = new ArrayList<>();
    for (int t : a.types()) {
      int n = counter.merge(stream, 1, Integer::sum);
      batch.add(EventData.of(TYPES.get(t), "{\"n\":" + n + "}"));
    }
    boolean accepted = expected.accepts(actual);
    if (!accepted) {
      assertThatThrownBy(() -> store.append(stream, expected, batch))
          .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actual()).isEqualTo(actual));
      return;
    }
    AppendResult r = store.append(stream, expected, batch);
    assertThat(r.firstVersion()).isEqualTo(actual + 1);
    assertThat(r.lastVersion()).isEqualTo(actual + batch.size());
    assertThat(r.firstPosition()).isEqualTo(model.log.size() + 1);
    for (int i = 0; i < batch.size(); i++) {
      EventData e = batch.get(i);
      model.log.add(new RecordedEvent(e.id(), stream, actual + 1 + i, model.log.size() + 1L, e.type(), e.data(),
          e.metadata(), r.recordedAt(), r.recordedAt()));
    }
    model.batches.add(batch);
    model.results.add(r);
  }

  private void retry(EventStore store, Model model, RetryOp r) {
    if (model.batches.isEmpty()) {
      return;
    }
    int i = r.batch() % model.batches.size();
    List<EventData> batch = model.batches.get(i);
    AppendResult original = model.results.get(i);
    if (r.withNewId()) {
      List<EventData> mixed = new ArrayList<>(batch);
      mixed.add(EventData.of("Moved", "{}"));
      assertThatThrownBy(() -> store.append(original.stream(), ExpectedVersion.ANY, mixed))
          .isInstanceOf(IdempotencyConflictException.class);
    } else {
      ExpectedVersion expected = original.firstVersion() == 1
          ? ExpectedVersion.NO_STREAM : ExpectedVersion.exactly(original.firstVersion() - 1);
      assertThat(store.append(original.stream(), expected, batch)).isEqualTo(original);
      assertThat(store.append(original.stream(), ExpectedVersion.ANY, batch)).isEqualTo(original);
    }
  }

  private void listStreams(EventStore store, Model model, ListStreamsOp l) {
    StreamQuery q = l.after() < STREAMS.size() ? query(l.query()).startingAfter(STREAMS.get(l.after())) : query(l.query());
    Map<String, RecordedEvent> last = new java.util.TreeMap<>();
    for (RecordedEvent e : model.log) {
      last.put(e.stream(), e);
    }
    List<StreamInfo> expected = last.values().stream()
        .filter(e -> inModelListing(l, e.stream()))
        .map(e -> new StreamInfo(e.stream(), e.version(), e.position(), e.recordedAt()))
        .limit(l.limit())
        .toList();
    assertThat(store.listStreams(q, l.limit())).as("%s, limit %d", q, l.limit()).isEqualTo(expected);
  }

  /** The listing rule written out independently of {@link StreamQuery#matches}, for the query kinds above. */
  private static boolean inModelListing(ListStreamsOp l, String name) {
    boolean selected = switch (l.query()) {
      case 0 -> true;
      case 1 -> name.startsWith("acct-");
      case 2 -> name.split("-")[0].equals("order");
      case 3 -> name.startsWith("o") && name.split("-")[0].equals("acct");
      default -> false; // "$": the model has no system streams
    };
    return selected && (l.after() == STREAMS.size() || name.compareTo(STREAMS.get(l.after())) > 0);
  }

  private void readStream(EventStore store, Model model, ReadStreamOp r) {
    String stream = STREAMS.get(r.stream());
    List<RecordedEvent> all = model.log.stream().filter(e -> e.stream().equals(stream)).toList();
    Page p;
    List<RecordedEvent> expected;
    if (r.backward()) {
      long from = r.from() == 0 ? Long.MAX_VALUE : r.from();
      p = r.from() == 0 ? store.readStreamFromEnd(stream, r.limit())
          : store.readStream(stream, from, Direction.BACKWARD, r.limit());
      List<RecordedEvent> rev = new ArrayList<>(all.stream().filter(e -> e.version() <= from).toList());
      Collections.reverse(rev);
      expected = rev.subList(0, Math.min(r.limit(), rev.size()));
    } else {
      p = store.readStream(stream, r.from(), Direction.FORWARD, r.limit());
      List<RecordedEvent> fwd = all.stream().filter(e -> e.version() >= r.from()).toList();
      expected = fwd.subList(0, Math.min(r.limit(), fwd.size()));
    }
    assertSame(p.events(), expected);
  }

  private void readAll(EventStore store, Model model, ReadAllOp r) {
    Filter f = filter(r.filter());
    Page p;
    List<RecordedEvent> candidates;
    if (r.backward()) {
      long from = r.from() == 0 ? Long.MAX_VALUE : r.from();
      p = r.from() == 0 ? store.readAllFromEnd(r.limit(), f) : store.readAll(from, Direction.BACKWARD, r.limit(), f);
      List<RecordedEvent> rev = new ArrayList<>(model.log.stream().filter(e -> e.position() <= from && f.matches(e)).toList());
      Collections.reverse(rev);
      candidates = rev;
    } else {
      p = store.readAll(r.from(), Direction.FORWARD, r.limit(), f);
      candidates = model.log.stream().filter(e -> e.position() >= r.from() && f.matches(e)).toList();
    }
    assertSame(p.events(), candidates.subList(0, Math.min(r.limit(), candidates.size())));
    if (candidates.size() > r.limit()) {
      assertThat(p.end()).as("more matches remain").isFalse();
    } else if (candidates.size() < r.limit()) {
      assertThat(p.end()).as("the scan reached the end").isTrue();
    }
  }

  private void subscribe(EventStore store, Model model, SubscribeOp s) throws Exception {
    Filter f = filter(s.filter());
    List<RecordedEvent> expected = model.log.stream().filter(e -> e.position() >= s.from() && f.matches(e)).toList();
    List<RecordedEvent> got = Collections.synchronizedList(new ArrayList<>());
    try (Subscription sub = store.subscribeToAll(s.from(), f, got::add)) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (got.size() < expected.size() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(sub.failure()).isEmpty();
    }
    assertSame(List.copyOf(got), expected);
  }

  /** Compares what the model knows (recordedAt is the store's, taken from the append result). */
  private static void assertSame(List<RecordedEvent> actual, List<RecordedEvent> expected) {
    assertThat(actual).extracting(RecordedEvent::id).containsExactlyElementsOf(expected.stream().map(RecordedEvent::id).toList());
    for (int i = 0; i < actual.size(); i++) {
      RecordedEvent a = actual.get(i);
      RecordedEvent e = expected.get(i);
      assertThat(a.stream()).isEqualTo(e.stream());
      assertThat(a.version()).isEqualTo(e.version());
      assertThat(a.position()).isEqualTo(e.position());
      assertThat(a.type()).isEqualTo(e.type());
      assertThat(a.data()).isEqualTo(e.data());
      assertThat(a.recordedAt()).isEqualTo(e.recordedAt());
      assertThat(a.effectiveAt()).isEqualTo(e.effectiveAt());
    }
  }
}
