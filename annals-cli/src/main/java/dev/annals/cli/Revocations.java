package dev.annals.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Metadata;
import dev.annals.core.RecordedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who revokes whom among the events of one page: an event's {@code metadata.revokes} names the ids it
 * corrects. Built once per page; read-only afterwards.
 */
final class Revocations {

  private final Map<String, RecordedEvent> byId = new HashMap<>();
  private final Map<String, List<RecordedEvent>> revokedBy = new LinkedHashMap<>();

  Revocations(List<RecordedEvent> events) {
    for (RecordedEvent e : events) {
      byId.put(e.id().toString(), e);
    }
    for (RecordedEvent e : events) {
      for (String id : revokes(e)) {
        revokedBy.computeIfAbsent(id, k -> new ArrayList<>()).add(e);
      }
    }
  }

  /** The ids {@code e} revokes (its {@code metadata.revokes}), in the order given. */
  static List<String> revokes(RecordedEvent e) {
    if (e.metadata().size() <= 2) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode id : e.metadata().toNode().path(Metadata.REVOKES)) {
      ids.add(id.asText());
    }
    return ids;
  }

  /** The events of this page that revoke {@code e}. */
  List<RecordedEvent> revokersOf(RecordedEvent e) {
    return revokedBy.getOrDefault(e.id().toString(), List.of());
  }

  /** The event of this page with this id, if it is here. */
  Optional<RecordedEvent> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }
}
