package dev.annals.core;

import java.time.Instant;
import java.util.Objects;

/** An event with its original {@code recordedAt}, for importing history (docs/http-api.md). */
public record ImportEvent(String stream, EventData event, Instant recordedAt) {
  public ImportEvent {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(recordedAt, "recordedAt");
  }
}
