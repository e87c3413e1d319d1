package dev.annals.server.sse;

import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Subscription;
import dev.annals.server.auth.Access;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.Routes;
import dev.annals.server.http.WireJson;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /subscribe/all} and {@code GET /subscribe/streams/{stream}}: Server-Sent Events, served
 * by {@link SseSessions}. Every client reads the log at its own pace: a slow client falls behind and
 * reads older events, it never blocks writers or other clients, and it never sees a gap. Thread-safe.
 */
public final class SubscriptionsResource {

  private static final Set<String> ALL_PARAMS = Set.of("from", "types", "category", "prefix", "system");

  private final EventStore store;
  private final SseSessions sessions;

  public SubscriptionsResource(EventStore store, SseSessions sessions) {
    this.store = store;
    this.sessions = sessions;
  }

  public void routing(Routes routes) {
    routes.getStream("/subscribe/all", this::all)
        .getStream("/subscribe/streams/{stream}", this::stream);
  }

  private void all(Exchange x) throws Exception {
    x.allowOnly(ALL_PARAMS);
    Filter filter = Access.globalFilter(x);
    long from = start(x, () -> store.headPosition() + 1);
    sessions.runAll(x, from, filter);
  }

  private void stream(Exchange x) throws Exception {
    x.allowOnly(Set.of("from"));
    String stream = x.path("stream");
    Access.read(x, stream);
    long from = start(x, () -> store.streamVersion(stream) + 1);
    sessions.runStream(x, from, handler -> store.subscribeToStream(stream, from, handler));
  }

  /** Right after {@code Last-Event-ID} when given, else {@code from} (a number, or {@code end}); default {@code end}. */
  private static long start(Exchange x, java.util.function.LongSupplier end) {
    Optional<String> lastId = x.header("Last-Event-ID");
    if (lastId.isPresent()) {
      try {
        long id = Long.parseLong(lastId.get().strip());
        if (id < 0) {
          throw HttpError.invalid("Last-Event-ID must be >= 0");
        }
        if (id == Long.MAX_VALUE) {
          // id + 1 would overflow to a negative start (an error on /subscribe/all, a replay from 1 on a stream)
          throw HttpError.invalid("Last-Event-ID " + id + " has no next position or version");
        }
        return id + 1;
      } catch (NumberFormatException e) {
        throw HttpError.invalid("Last-Event-ID must be a position or version number, was '"
            + WireJson.abbreviate(lastId.get()) + "'");
      }
    }
    String from = x.query("from").orElse("end");
    if (from.equals("end")) {
      return end.getAsLong();
    }
    return Math.max(1, x.queryLong("from", 1, 0));
  }

  /** Opens a store subscription that feeds a session's handler. */
  @FunctionalInterface
  interface Opener {
    Subscription open(dev.annals.core.EventHandler handler);
  }

}
