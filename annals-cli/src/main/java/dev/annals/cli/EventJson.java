package dev.annals.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.AppendResult;
import dev.annals.core.RecordedEvent;
import dev.annals.server.http.WireJson;
import java.time.Instant;

/** The wire shapes of docs/http-api.md for the CLI's {@code --json} output. Thread-safe. */
final class EventJson {

  static final ObjectMapper MAPPER = new ObjectMapper();
  private EventJson() {}

  /** As the server writes instants: microseconds, nine digits when an {@code effectiveAt} has nanoseconds. */
  static String instant(Instant at) {
    return WireJson.instant(at);
  }

  static ObjectNode event(RecordedEvent e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", e.id().toString());
    n.put("stream", e.stream());
    n.put("version", e.version());
    n.put("position", e.position());
    n.put("type", e.type());
    n.set("data", e.data().toNode());
    n.set("metadata", e.metadata().toNode());
    n.put("recordedAt", instant(e.recordedAt()));
    n.put("effectiveAt", instant(e.effectiveAt()));
    return n;
  }

  static ObjectNode appendResult(AppendResult r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("stream", r.stream());
    n.put("firstVersion", r.firstVersion());
    n.put("lastVersion", r.lastVersion());
    n.put("firstPosition", r.firstPosition());
    n.put("lastPosition", r.lastPosition());
    n.put("recordedAt", instant(r.recordedAt()));
    return n;
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }
}
