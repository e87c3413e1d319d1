package dev.annals.server.resources;

import dev.annals.core.EventStore;
import dev.annals.core.StreamNames;
import dev.annals.module.ServerModule;
import dev.annals.module.StateQuery;
import dev.annals.module.StateView;
import dev.annals.server.auth.Access;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.Routes;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /streams/{stream}/state?version=&knownAt=&validAt=}: a stream folded by the state view a
 * module registered for its category. {@code version} alone: the fold of versions 1..n; {@code knownAt}
 * alone: what was known then; {@code validAt} (with an optional {@code knownAt}, default: all that is
 * known, as for the event list): what was true then. Thread-safe (the views map is fixed at construction).
 */
public final class StateResource {

  private static final Set<String> PARAMS = Set.of("version", "knownAt", "validAt");

  private final EventStore store;
  private final Map<String, StateView> views;

  public StateResource(EventStore store, List<ServerModule> modules) {
    this.store = store;
    Map<String, StateView> byCategory = new HashMap<>();
    Map<String, String> owner = new HashMap<>();
    for (ServerModule m : modules) {
      m.stateViews().forEach((category, view) -> {
        String other = owner.putIfAbsent(category, m.name());
        if (other != null) {
          throw new IllegalArgumentException("modules " + other + " and " + m.name()
              + " both register a state fold for category '" + category + "'");
        }
        byCategory.put(category, view);
      });
    }
    this.views = Map.copyOf(byCategory);
  }

  public void routing(Routes routes) {
    routes.get("/streams/{stream}/state", this::state);
  }

  private void state(Exchange x) throws IOException {
    x.allowOnly(PARAMS);
    String stream = x.path("stream");
    Access.read(x, stream);
    String category = StreamNames.category(stream);
    StateView view = Optional.ofNullable(views.get(category)).orElseThrow(() -> HttpError.notFound(
        "no module registered a state fold for category '" + category + "'"));
    Optional<String> version = x.query("version");
    Optional<Instant> knownAt = x.queryInstant("knownAt");
    Optional<Instant> validAt = x.queryInstant("validAt");
    if (version.isPresent() && (knownAt.isPresent() || validAt.isPresent())) {
      throw HttpError.invalid("give version, or knownAt and/or validAt, not both");
    }
    long streamVersion = store.streamVersion(stream);
    if (streamVersion == 0) {
      throw new HttpError(404, "not_found", "stream '" + stream + "' has no events", java.util.Map.of("stream", stream));
    }
    StateQuery query;
    if (version.isPresent()) {
      long v = x.queryLong("version", streamVersion, 1);
      if (v > streamVersion) {
        throw HttpError.invalid("version " + v + " is past the stream's last version " + streamVersion);
      }
      query = new StateQuery.AtVersion(v);
    } else if (validAt.isPresent()) {
      query = new StateQuery.ValidAt(validAt.get(), knownAt.orElse(Instant.MAX));
    } else if (knownAt.isPresent()) {
      query = new StateQuery.KnownAt(knownAt.get());
    } else {
      query = new StateQuery.Latest();
    }
    var state = view.state(store, stream, query);
    x.json(200, g -> {
      g.writeStartObject();
      g.writeStringField("stream", stream);
      g.writeNumberField("streamVersion", streamVersion);
      g.writeFieldName("state");
      g.writeRawValue(state.toString());
      g.writeEndObject();
    });
  }
}
