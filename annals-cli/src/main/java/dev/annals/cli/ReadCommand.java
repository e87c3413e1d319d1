package dev.annals.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.client.AsOf;
import dev.annals.client.HttpEventStore;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Metadata;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.core.TimeViews;
import java.time.Instant;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
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

  @Option(names = "--known-at", paramLabel = "T", description = "Only the events recorded by T, in version order. T: a date (2026-03-15, start of day UTC),"
      + " a date-time (2026-03-15T14:47, UTC) or an instant with offset (2026-03-15T14:47:00Z).")
  @Nullable Instant knownAt;

  @Option(names = "--valid-at", paramLabel = "V", description = "The events in effect at V (a time, as for --known-at) as known at --known-at (default now),"
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
        Revocations revocations = new Revocations(page.events());
        for (RecordedEvent e : page.events()) {
          ObjectNode n = EventJson.event(e);
          ArrayNode by = EventJson.array();
          revocations.revokersOf(e).forEach(r -> by.add(r.id().toString()));
          if (!by.isEmpty()) {
            n.set("revokedBy", by); // the events of this page whose metadata.revokes names this one
          }
          events.add(n);
        }
        if (page.end()) {
          out.putNull("next");
        } else {
          out.put("next", page.next());
        }
        System.out.println(EventJson.MAPPER.writeValueAsString(out));
      } else {
        Revocations revocations = new Revocations(page.events());
        for (RecordedEvent e : page.events()) {
          System.out.println(line(e, validAt != null, revocations));
        }
        if (page.isEmpty()) {
          System.out.println(knownAt != null && validAt == null
              ? "(no event of " + stream + " was recorded by " + EventJson.instant(knownAt) + ")"
              : "(no events here)");
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
   * One event as a line: when (recorded; a valid-at view leads with the effective time, as it is in that
   * order), version, position, type, data, id; then the effective time when it is not the recorded one,
   * the revocations (what it revokes, what in this page revokes it) and any other metadata.
   */
  static String line(RecordedEvent e, boolean effectiveFirst, Revocations revocations) {
    StringBuilder b = new StringBuilder();
    boolean differs = !e.effectiveAt().equals(e.recordedAt());
    if (effectiveFirst) {
      b.append("effective ").append(EventJson.instant(e.effectiveAt()))
          .append(" (recorded ").append(EventJson.instant(e.recordedAt())).append(")");
    } else {
      b.append(EventJson.instant(e.recordedAt()));
    }
    b.append(" v").append(e.version()).append(" @").append(e.position()).append(' ').append(e.type())
        .append(' ').append(e.data()).append(' ').append(e.id());
    if (differs && !effectiveFirst) {
      b.append("  effective ").append(EventJson.instant(e.effectiveAt()));
    }
    List<String> revokes = Revocations.revokes(e);
    if (!revokes.isEmpty()) {
      b.append("  revokes ").append(String.join(", ", revokes.stream()
          .map(id -> revocations.find(id).map(r -> "v" + r.version() + " " + id).orElse(id)).toList()));
    }
    List<RecordedEvent> by = revocations.revokersOf(e);
    if (!by.isEmpty()) {
      b.append("  revoked by ").append(String.join(", ", by.stream().map(r -> "v" + r.version() + " " + r.id()).toList()));
    }
    ObjectNode other = e.metadata().toNode().deepCopy() instanceof ObjectNode o ? o : EventJson.MAPPER.createObjectNode();
    other.remove(Metadata.REVOKES);
    if (!other.isEmpty()) {
      b.append("  metadata ").append(other);
    }
    return b.toString();
  }

  /**
   * The known-at / valid-at event list, paged like a plain read: over a server, the server
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
