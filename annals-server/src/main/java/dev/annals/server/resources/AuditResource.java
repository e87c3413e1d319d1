package dev.annals.server.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Metadata;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code GET /audit}: events by {@code actor}, {@code correlationId} and recorded-time range
 * ({@code since} inclusive, {@code until} inclusive), oldest first, paged by position
 * ({@code from}, {@code next}). There is no audit index yet: this scans the global log forward from
 * {@code max(from, positionAt(since))} and stops at {@code until}, at {@code limit} matches, or after
 * {@code maxScan} events examined — then {@code next} says where to go on. Thread-safe.
 */
public final class AuditResource {

  private static final Set<String> PARAMS = Set.of("actor", "correlationId", "since", "until", "from", "limit");
  private static final int PAGE = 1000;

  private final EventStore store;
  private final ReadLimits limits;
  private final int maxScan;

  public AuditResource(EventStore store, ReadLimits limits, int maxScan) {
    this.store = store;
    this.limits = limits;
    this.maxScan = maxScan;
  }

  public void routing(Routes routes) {
    routes.get("/audit", this::audit);
  }

  private void audit(Exchange x) throws IOException {
    x.allowOnly(PARAMS);
    Access.allStreams(x, "the audit trail");
    Optional<String> actor = x.query("actor");
    Optional<String> correlationId = x.query("correlationId");
    // An empty value would filter nothing and answer every event: refused, like an empty category.
    if (actor.isPresent() && actor.get().isEmpty()) {
      throw HttpError.invalid("actor must not be empty");
    }
    if (correlationId.isPresent() && correlationId.get().isEmpty()) {
      throw HttpError.invalid("correlationId must not be empty");
    }
    Optional<Instant> since = x.queryInstant("since");
    Optional<Instant> until = x.queryInstant("until");
    int limit = limits.limit(x);
    long from = x.queryLong("from", 1, 1);
    if (since.isPresent()) {
      from = Math.max(from, store.positionAt(since.get()));
    }
    // the cut, not each event's recordedAt: positionAt makes a past until's answer final (EventStore#positionAt)
    long end = until.isEmpty() || until.get().equals(Instant.MAX) ? Long.MAX_VALUE : store.positionAt(until.get().plusNanos(1));
    List<RecordedEvent> out = new ArrayList<>();
    OptionalLong next = OptionalLong.empty();
    long cursor = from;
    int scanned = 0;
    scan:
    while (true) {
      Page p = store.readAll(cursor, Direction.FORWARD, PAGE, Filter.all());
      for (RecordedEvent e : p.events()) {
        if (e.position() >= end) { // recorded after until
          break scan;
        }
        scanned++;
        if (matches(e, actor, correlationId)) {
          out.add(e);
        }
        if (out.size() == limit || scanned >= maxScan) {
          next = OptionalLong.of(e.position() + 1);
          break scan;
        }
      }
      if (p.end()) {
        break;
      }
      cursor = p.next();
    }
    OptionalLong nextPage = next;
    x.json(200, g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("events");
      for (RecordedEvent e : out) {
        WireJson.writeEvent(g, e);
      }
      g.writeEndArray();
      StreamsResource.writeNext(g, nextPage);
      g.writeEndObject();
    });
  }

  private static boolean matches(RecordedEvent e, Optional<String> actor, Optional<String> correlationId) {
    if (actor.isEmpty() && correlationId.isEmpty()) {
      return true;
    }
    if (e.metadata().size() <= 2) {
      return false;
    }
    JsonNode m = e.metadata().toNode();
    return actor.map(a -> a.equals(text(m, Metadata.ACTOR))).orElse(true)
        && correlationId.map(c -> c.equals(text(m, Metadata.CORRELATION_ID))).orElse(true);
  }

  private static String text(JsonNode m, String key) {
    JsonNode v = m.get(key);
    return v != null && v.isTextual() ? v.asText() : "";
  }
}
