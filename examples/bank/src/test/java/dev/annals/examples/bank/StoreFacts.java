package dev.annals.examples.bank;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import java.util.ArrayList;
import java.util.List;

/** Raw reads for tests: events as stored, without the bank's codecs or deciders. */
final class StoreFacts {

  private StoreFacts() {}

  static List<RecordedEvent> stream(EventStore store, String stream) {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page p = store.readStream(stream, from, Direction.FORWARD, 1000);
      out.addAll(p.events());
      if (p.end()) {
        return out;
      }
      from = p.next();
    }
  }

  static List<RecordedEvent> all(EventStore store) {
    List<RecordedEvent> out = new ArrayList<>();
    long from = 1;
    while (true) {
      Page p = store.readAll(from, Direction.FORWARD, 1000, Filter.all());
      out.addAll(p.events());
      if (p.end()) {
        return out;
      }
      from = p.next();
    }
  }

  /** The raw balance of an account stream: a brute-force fold over the stored JSON, in version order. */
  static long rawBalance(EventStore store, String accountStream) {
    long balance = 0;
    java.util.Map<String, Long> fees = new java.util.HashMap<>();
    for (RecordedEvent e : stream(store, accountStream)) {
      JsonNode d = e.data().toNode();
      switch (e.type()) {
        case "Deposited", "Credited", "DebitReversed" -> balance += d.get("amount").asLong();
        case "Withdrawn", "Debited" -> balance -= d.get("amount").asLong();
        case "FeeCharged" -> {
          balance -= d.get("amount").asLong();
          fees.put(d.get("feeId").asText(), d.get("amount").asLong());
        }
        case "FeeReversed" -> balance += fees.getOrDefault(d.get("feeId").asText(), 0L);
        default -> { }
      }
    }
    return balance;
  }

  static long count(EventStore store, String stream, String type) {
    return stream(store, stream).stream().filter(e -> e.type().equals(type)).count();
  }

  static String meta(RecordedEvent e, String key) {
    JsonNode v = e.metadata().toNode().get(key);
    return v == null ? "" : v.asText();
  }
}
