package dev.annals.server.resources;

import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamInfo;
import dev.annals.core.StreamQuery;
import dev.annals.core.TimeViews;
import dev.annals.server.ServerMetrics;
import dev.annals.server.auth.Access;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.ReadLimits;
import dev.annals.server.http.RequestBodies;
import dev.annals.server.http.Routes;
import dev.annals.server.http.WireJson;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code POST /streams/{stream}} (append) and {@code GET /streams/{stream}} (read, with the
 * {@code knownAt} / {@code validAt} selections of docs/time.md and docs/http-api.md). Thread-safe (stateless over a
 * thread-safe store).
 */
public final class StreamsResource {

  private static final Set<String> READ_PARAMS = Set.of("from", "limit", "direction", "knownAt", "validAt");
  private static final Set<String> LIST_PARAMS = Set.of("prefix", "category", "after", "limit");

  private final EventStore store;
  private final ServerMetrics metrics;
  private final ReadLimits limits;

  public StreamsResource(EventStore store, ServerMetrics metrics, ReadLimits limits) {
    this.store = store;
    this.metrics = metrics;
    this.limits = limits;
  }

  public void routing(Routes routes) {
    routes.get("/streams", this::list)
        .post("/streams/{stream}", this::append)
        .get("/streams/{stream}", this::read);
  }

  /**
   * {@code GET /streams?prefix=&category=&after=&limit=}: streams in name order with their version,
   * last position and last {@code recordedAt}; {@code next} is the {@code after} of the next page, or
   * null. Empty parameters mean "no condition" (what a form sends). Needs a key that covers the
   * prefix asked for (or all streams when none is given).
   */
  private void list(Exchange x) throws IOException {
    x.allowOnly(LIST_PARAMS);
    String prefix = x.query("prefix").orElse("");
    StreamQuery query = StreamQuery.prefix(prefix);
    Optional<String> category = x.query("category").filter(c -> !c.isEmpty());
    if (category.isPresent()) {
      query = query.withCategory(category.get());
    }
    Optional<String> after = x.query("after").filter(a -> !a.isEmpty());
    if (after.isPresent()) {
      query = query.startingAfter(after.get());
    }
    int limit = limits.limit(x);
    if (prefix.isEmpty()) {
      Access.allStreams(x, "listing every stream");
    } else if (!x.principal().covers(prefix)) {
      throw HttpError.forbidden("this key may not list streams starting with '" + prefix + "'");
    }
    if (prefix.startsWith("$")) {
      Access.admin(x, "listing system streams");
    }
    List<StreamInfo> page = store.listStreams(query, limit);
    // a full page has a next one when a stream follows its last (asking for limit + 1 would go over
    // the store's own limit when limit is the largest allowed)
    boolean more = page.size() == limit && !store.listStreams(query.startingAfter(page.getLast().stream()), 1).isEmpty();
    x.json(200, g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("streams");
      for (StreamInfo s : page) {
        g.writeStartObject();
        g.writeStringField("stream", s.stream());
        g.writeNumberField("version", s.version());
        g.writeNumberField("lastPosition", s.lastPosition());
        g.writeStringField("lastRecordedAt", WireJson.instant(s.lastRecordedAt()));
        g.writeEndObject();
      }
      g.writeEndArray();
      if (more) {
        g.writeStringField("next", page.getLast().stream());
      } else {
        g.writeNullField("next");
      }
      g.writeEndObject();
    });
  }

  private void append(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    String stream = x.path("stream");
    Access.write(x, stream);
    RequestBodies.Append req = RequestBodies.parseAppend(x.body());
    long t0 = System.nanoTime();
    AppendResult r = store.append(stream, req.expected(), req.events());
    metrics.appended(req.events().size(), System.nanoTime() - t0);
    x.json(200, g -> WireJson.writeAppendResult(g, r));
  }

  private void read(Exchange x) throws IOException {
    x.allowOnly(READ_PARAMS);
    String stream = x.path("stream");
    Access.read(x, stream);
    Direction direction = Direction.parse(x.query("direction").orElse("forward"));
    int limit = limits.limit(x);
    OptionalLongParam from = OptionalLongParam.of(x, "from");
    var knownAt = x.queryInstant("knownAt");
    var validAt = x.queryInstant("validAt");
    long last = store.streamVersion(stream);
    if (last == 0) {
      throw new HttpError(404, "not_found", "stream '" + stream + "' has no events", java.util.Map.of("stream", stream));
    }
    List<RecordedEvent> events;
    OptionalLong next;
    OptionalLong cursor = OptionalLong.empty();
    if (validAt.isPresent()) {
      Page s = TimeViews.validAt(store, stream, validAt.get(), knownAt.orElse(Instant.MAX), direction,
          from.orElse(1), limit);
      events = s.events();
      next = s.nextPage();
    } else if (knownAt.isPresent()) {
      Page s = TimeViews.knownAt(store, stream, knownAt.get(), direction,
          from.orElse(direction == Direction.FORWARD ? 1 : last), limit);
      events = s.events();
      next = s.nextPage();
    } else {
      Page p = from.value().isEmpty() && direction == Direction.BACKWARD
          ? store.readStreamFromEnd(stream, limit)
          : store.readStream(stream, from.orElse(1), direction, limit);
      events = p.events();
      next = p.nextPage();
      cursor = OptionalLong.of(p.next());
    }
    OptionalLong stoppedAt = cursor;
    x.json(200, g -> {
      g.writeStartObject();
      g.writeStringField("stream", stream);
      g.writeArrayFieldStart("events");
      for (RecordedEvent e : events) {
        WireJson.writeEvent(g, e);
      }
      g.writeEndArray();
      writeNext(g, next);
      if (stoppedAt.isPresent()) {
        g.writeNumberField("cursor", stoppedAt.getAsLong());
      }
      g.writeEndObject();
    });
  }

  static void writeNext(com.fasterxml.jackson.core.JsonGenerator g, OptionalLong next) throws IOException {
    if (next.isPresent()) {
      g.writeNumberField("next", next.getAsLong());
    } else {
      g.writeNullField("next");
    }
  }

  /** A long query parameter that may be absent. */
  record OptionalLongParam(OptionalLong value) {
    static OptionalLongParam of(Exchange x, String name) {
      return new OptionalLongParam(x.query(name).isPresent()
          ? OptionalLong.of(x.queryLong(name, 0, 0)) : OptionalLong.empty());
    }

    long orElse(long dflt) {
      return value.orElse(dflt);
    }
  }
}
