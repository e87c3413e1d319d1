package dev.annals.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.client.AsOf;
import dev.annals.client.HttpEventStore;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.TimeViews;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.jspecify.annotations.Nullable;

/** {@code annals read STREAM}: prints a stream's events. */
@Command(name = "read", description = "Read the events of a stream.")
final class ReadCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "STREAM")
  String stream;

  @Option(names = "--from", paramLabel = "N", defaultValue = "1", description = "First version (default: ${DEFAULT-VALUE}).")
  long from;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Most events (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--known-at", paramLabel = "T", description = "Only the events recorded by T (ISO-8601), in version order.")
  @Nullable Instant knownAt;

  @Option(names = "--valid-at", paramLabel = "V", description = "The events in effect at V as known at --known-at (default now),"
      + " without revoked ones, in (effectiveAt, version) order.")
  @Nullable Instant validAt;

  @Mixin StoreAccess access;

  @Option(names = "--json", description = "Print {\"stream\", \"events\", \"next\"} as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (EventStore store = access.open(false)) {
      Page page = (knownAt != null || validAt != null) ? timeView(store) : store.readStream(stream, from, Direction.FORWARD, limit);
      if (page.isEmpty() && store.streamVersion(stream) == 0) {
        throw new CliFailure("not_found: stream '" + stream + "' has no events", 2);
      }
      if (json) {
        ObjectNode out = EventJson.MAPPER.createObjectNode();
        out.put("stream", stream);
        ArrayNode events = out.putArray("events");
        page.events().forEach(e -> events.add(EventJson.event(e)));
        if (page.end()) {
          out.putNull("next");
        } else {
          out.put("next", page.next());
        }
        System.out.println(EventJson.MAPPER.writeValueAsString(out));
      } else {
        for (RecordedEvent e : page.events()) {
          // a valid-at view is in effectiveAt order, so its lines lead with that time
          String when = validAt != null
              ? "effective " + EventJson.instant(e.effectiveAt()) + " (recorded " + EventJson.instant(e.recordedAt()) + ")"
              : EventJson.instant(e.recordedAt());
          System.out.printf("%s v%d @%d %s %s %s%s%n", when, e.version(), e.position(),
              e.type(), e.data(), e.id(), e.metadata().size() > 2 ? " " + e.metadata() : "");
        }
        if (!page.end()) {
          System.out.println(validAt != null
              ? "... more from place " + page.next() + " of this view (--from " + page.next() + ")"
              : "... more from version " + page.next() + " (--from " + page.next() + ")");
        }
      }
    }
    return 0;
  }

  /**
   * The known-at / valid-at event list of design §4, paged like a plain read: over a server, the server
   * selects; on a data directory, the stream is read page by page and only the selection is kept.
   */
  private Page timeView(EventStore store) {
    if (store instanceof HttpEventStore http) {
      AsOf asOf = validAt == null ? AsOf.knownAt(Objects.requireNonNull(knownAt, "knownAt or validAt"))
          : knownAt == null ? AsOf.validAt(validAt) : AsOf.validAt(validAt).withKnownAt(knownAt);
      return http.readStreamAsOf(stream, from, limit, asOf);
    }
    Instant t = knownAt != null ? knownAt : Instant.MAX;
    return validAt != null
        ? TimeViews.validAt(store, stream, validAt, t, Direction.FORWARD, from, limit)
        : TimeViews.knownAt(store, stream, t, Direction.FORWARD, Math.max(1, from), limit);
  }
}
