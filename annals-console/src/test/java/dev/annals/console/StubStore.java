package dev.annals.console;

import dev.annals.console.StubApi.Call;
import dev.annals.console.StubApi.Reply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Stream events for {@link StubApi}, answering {@code GET /streams/{s}} with the known-at and valid-at
 * filters of design §6, and a fold (a balance: the sum of data.amount) for {@code GET /streams/{s}/state}
 * when asked to (at a version, or known at and valid at). Only what the console's layout tests need; the real rules are the server's.
 */
final class StubStore {

  private final String stream;
  private final List<Map<String, Object>> events = new ArrayList<>();

  StubStore(String stream) {
    this.stream = stream;
  }

  /** Adds an event at the next version and returns its id. */
  String add(String type, Map<String, Object> data, String recordedAt, String effectiveAt, Map<String, Object> metadata) {
    String id = UUID.nameUUIDFromBytes((stream + events.size()).getBytes()).toString();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("id", id);
    e.put("stream", stream);
    e.put("version", events.size() + 1);
    e.put("position", 100 + events.size());
    e.put("type", type);
    e.put("data", data);
    e.put("metadata", metadata);
    e.put("recordedAt", recordedAt);
    e.put("effectiveAt", effectiveAt);
    events.add(e);
    return id;
  }

  void register(StubApi api, boolean withFold) {
    api.on("GET", "/streams/" + stream, this::read);
    api.on("GET", "/streams/" + stream + "/state", call -> withFold
        ? Reply.json(Map.of("stream", stream, "state", fold(select(call))))
        : Reply.error(404, "not_found", "no state fold registered for category '" + stream.split("-")[0] + "'"));
  }

  private Reply read(Call call) {
    List<Map<String, Object>> selected = select(call);
    int from = Integer.parseInt(call.query().getOrDefault("from", "1"));
    int limit = Integer.parseInt(call.query().getOrDefault("limit", "100"));
    boolean timeQuery = call.query().containsKey("knownAt") || call.query().containsKey("validAt");
    List<Map<String, Object>> page;
    Object next = null;
    if (timeQuery) {
      page = selected;
    } else if ("backward".equals(call.query().get("direction"))) {
      int start = call.query().containsKey("from") ? from : events.size();
      page = new ArrayList<>();
      for (int v = start; v >= 1 && page.size() < limit; v--) {
        page.add(events.get(v - 1));
      }
      int last = start - page.size();
      next = last >= 1 ? last : null;
    } else {
      page = events.stream().skip(from - 1L).limit(limit).toList();
      int after = from + page.size();
      next = after <= events.size() ? after : null;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("stream", stream);
    body.put("events", page);
    body.put("next", next);
    return Reply.json(body);
  }

  private List<Map<String, Object>> select(Call call) {
    String version = call.query().get("version");
    if (version != null) { // the state after that version (GET .../state?version=n)
      return events.stream().filter(e -> (Integer) e.get("version") <= Integer.parseInt(version)).toList();
    }
    Instant knownAt = Instant.parse(call.query().getOrDefault("knownAt", "9999-01-01T00:00:00Z"));
    List<Map<String, Object>> known = events.stream()
        .filter(e -> !Instant.parse((String) e.get("recordedAt")).isAfter(knownAt)).toList();
    String validAt = call.query().get("validAt");
    if (validAt == null) {
      return known;
    }
    Instant v = Instant.parse(validAt);
    @SuppressWarnings("unchecked")
    Set<Object> revoked = known.stream()
        .flatMap(e -> ((List<Object>) ((Map<String, Object>) e.get("metadata")).getOrDefault("revokes", List.of())).stream())
        .collect(Collectors.toSet());
    return known.stream()
        .filter(e -> !Instant.parse((String) e.get("effectiveAt")).isAfter(v))
        .filter(e -> !revoked.contains(e.get("id")))
        .sorted(Comparator.comparing((Map<String, Object> e) -> Instant.parse((String) e.get("effectiveAt")))
            .thenComparing(e -> (Integer) e.get("version")))
        .toList();
  }

  private static Map<String, Object> fold(List<Map<String, Object>> events) {
    long balance = 0;
    for (Map<String, Object> e : events) {
      @SuppressWarnings("unchecked")
      Object amount = ((Map<String, Object>) e.get("data")).get("amount");
      if (amount instanceof Number n) {
        balance += n.longValue();
      }
    }
    return Map.of("balance", balance, "events", events.size());
  }
}
