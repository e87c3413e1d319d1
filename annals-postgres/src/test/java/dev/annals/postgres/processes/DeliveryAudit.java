package dev.annals.postgres.processes;

import dev.annals.postgres.processes.Journal.Delivered;
import dev.annals.postgres.processes.Journal.Entry;
import dev.annals.postgres.processes.StoredLog.Row;
import java.util.List;

/**
 * A subscriber's journal held against the rows: it received every event from position 1 to the head, in
 * position order, with no gap and no duplicate, each as stored (id, stream, version, {@code recordedAt}).
 */
final class DeliveryAudit {

  private DeliveryAudit() {}

  static Findings check(StoredLog log, List<Entry> subscriber) {
    Findings f = new Findings();
    List<Delivered> got = subscriber.stream().filter(Delivered.class::isInstance).map(Delivered.class::cast).toList();
    List<Row> rows = log.events();
    for (int i = 0; i < got.size(); i++) {
      Delivered d = got.get(i);
      if (d.position() != i + 1) {
        String how = d.position() <= i ? "a duplicate or a step back" : "a gap";
        f.add("the subscriber sees every position once, in order", "delivery " + (i + 1) + " is position "
            + d.position() + " after " + (i == 0 ? "none" : got.get(i - 1).position()) + ": " + how);
        return f;
      }
      if (i >= rows.size()) {
        f.add("the subscriber sees only stored events", "position " + d.position() + " is past the head "
            + rows.size());
        return f;
      }
      Row r = rows.get(i);
      if (!r.id().equals(d.id()) || !r.stream().equals(d.stream()) || r.version() != d.version()
          || r.recordedAtMicros() != d.recordedAtMicros()) {
        f.add("the subscriber sees events as stored", "position " + d.position() + " delivered as " + d.id() + " "
            + d.stream() + "/v" + d.version() + " recorded " + d.recordedAtMicros() + ", stored as " + r.id() + " "
            + r.stream() + "/v" + r.version() + " recorded " + r.recordedAtMicros());
      }
    }
    if (got.size() < rows.size()) {
      f.add("the subscriber sees every position once, in order", "it saw " + got.size() + " of " + rows.size()
          + " events");
    }
    return f;
  }
}
