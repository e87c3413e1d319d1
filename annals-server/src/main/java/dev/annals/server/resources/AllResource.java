package dev.annals.server.resources;

import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.server.auth.Access;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.ReadLimits;
import dev.annals.server.http.Routes;
import dev.annals.server.http.WireJson;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;

/**
 * {@code GET /all} (the global log, filtered), plus two small routes the Java client needs for the
 * whole {@code EventStore} API: {@code GET /head} ({@code {"head": position}}) and
 * {@code GET /position?at=T} ({@code {"position": p}}, the first position recorded at or after T).
 * Thread-safe.
 */
public final class AllResource {

  private static final Set<String> PARAMS = Set.of("from", "limit", "direction", "types", "category", "prefix", "system");

  private final EventStore store;
  private final ReadLimits limits;

  public AllResource(EventStore store, ReadLimits limits) {
    this.store = store;
    this.limits = limits;
  }

  public void routing(Routes routes) {
    routes.get("/all", this::readAll)
        .get("/head", this::head)
        .get("/position", this::positionAt);
  }

  private void readAll(Exchange x) throws IOException {
    x.allowOnly(PARAMS);
    Filter filter = Access.globalFilter(x);
    Direction direction = Direction.parse(x.query("direction").orElse("forward"));
    int limit = limits.limit(x);
    Page p = x.query("from").isEmpty() && direction == Direction.BACKWARD
        ? store.readAllFromEnd(limit, filter)
        : store.readAll(x.queryLong("from", 1, 0), direction, limit, filter);
    x.json(200, g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("events");
      for (RecordedEvent e : p.events()) {
        WireJson.writeEvent(g, e);
      }
      g.writeEndArray();
      StreamsResource.writeNext(g, p.nextPage());
      // Where this page stopped even when it is final (forward: one past the head), so a client
      // can resume exactly where the read ended; an addition to the shape in docs/http-api.md.
      g.writeNumberField("cursor", p.next());
      g.writeEndObject();
    });
  }

  private void head(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    long head = store.headPosition();
    x.json(200, g -> {
      g.writeStartObject();
      g.writeNumberField("head", head);
      g.writeEndObject();
    });
  }

  private void positionAt(Exchange x) throws IOException {
    x.allowOnly(Set.of("at"));
    Instant at = x.queryInstant("at").orElseThrow(() -> HttpError.invalid("the at parameter is required"));
    long p = store.positionAt(at);
    x.json(200, g -> {
      g.writeStartObject();
      g.writeNumberField("position", p);
      g.writeEndObject();
    });
  }
}
