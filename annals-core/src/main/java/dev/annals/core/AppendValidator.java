package dev.annals.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks an append against the event model's rules and limits before anything is written. One
 * implementation for every engine, so every engine rejects the same inputs with the same messages.
 */
public final class AppendValidator {

  private final Limits limits;

  public AppendValidator(Limits limits) {
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  /** Validates an append's stream, batch and every event. */
  public void validate(String stream, List<EventData> events) {
    StreamNames.validate(stream);
    validateBatch(events);
  }

  /** Validates the size of a batch and each event in it, and that ids are not repeated. */
  public void validateBatch(List<EventData> events) {
    if (events.isEmpty()) {
      throw new InvalidInputException("an append needs at least one event");
    }
    if (events.size() > limits.maxEventsPerAppend()) {
      throw new PayloadTooLargeException(
          "maxEventsPerAppend", limits.maxEventsPerAppend(), events.size(), "the number of events");
    }
    Set<UUID> ids = new HashSet<>(events.size() * 2);
    for (int i = 0; i < events.size(); i++) {
      EventData e = events.get(i);
      try {
        validateEvent(e, false);
      } catch (PayloadTooLargeException tooLarge) {
        throw new PayloadTooLargeException(tooLarge.limit(), tooLarge.max(), tooLarge.actual(),
            "event " + i + ": data + metadata");
      } catch (InvalidInputException invalid) {
        throw new InvalidInputException("event " + i + ": " + invalid.getMessage());
      }
      if (!ids.add(e.id())) {
        throw new InvalidInputException("event " + i + ": id " + e.id() + " appears twice in one append");
      }
    }
  }

  /**
   * Validates an import (docs/http-api.md): at least one event, each a valid event on a valid stream, each
   * {@code recordedAt} not after {@code now} and not before the previous one. The check against the
   * store's last {@code recordedAt} is the engine's, under its write ordering.
   */
  public void validateImport(List<ImportEvent> events, Instant now) {
    if (events.isEmpty()) {
      throw new InvalidInputException("an import needs at least one event");
    }
    validateBatch(events.stream().map(ImportEvent::event).toList());
    Instant previous = Instant.MIN;
    for (int i = 0; i < events.size(); i++) {
      ImportEvent ie = events.get(i);
      try {
        StreamNames.validate(ie.stream());
      } catch (InvalidInputException e) {
        throw new InvalidInputException("event " + i + ": " + e.getMessage());
      }
      if (ie.recordedAt().isAfter(now)) {
        throw new InvalidInputException("event " + i + ": recordedAt " + ie.recordedAt() + " is in the future");
      }
      try {
        validateInstant(ie.recordedAt());
      } catch (InvalidInputException e) {
        throw new InvalidInputException("event " + i + ": recordedAt: " + e.getMessage());
      }
      if (ie.recordedAt().isBefore(previous)) {
        throw new InvalidInputException("event " + i + ": recordedAt " + ie.recordedAt()
            + " is before the previous event's " + previous);
      }
      previous = ie.recordedAt();
    }
  }

  /** Validates one event's type, size and reserved metadata keys. */
  public void validateEvent(EventData e, boolean imported) {
    StreamNames.validateType(e.type());
    long size = (long) e.data().size() + e.metadata().size();
    if (size > limits.maxEventBytes()) {
      throw new PayloadTooLargeException("maxEventBytes", limits.maxEventBytes(), size, "data + metadata");
    }
    if (!e.metadata().isObject()) {
      throw new InvalidInputException("metadata must be a JSON object, was " + abbreviate(e.metadata()));
    }
    if (e.metadata().size() > 2) {
      validateReservedKeys(e.metadata().toNode(), imported);
    }
    e.effectiveAt().ifPresent(AppendValidator::validateInstant);
  }

  static void validateInstant(Instant at) {
    if (at.getEpochSecond() < -62_135_596_800L || at.getEpochSecond() > 253_402_300_799L) {
      throw new InvalidInputException("instant " + at + " is outside years 0001..9999");
    }
  }

  private static void validateReservedKeys(JsonNode metadata, boolean imported) {
    for (Map.Entry<String, JsonNode> field : metadata.properties()) {
      String key = field.getKey();
      JsonNode value = field.getValue();
      switch (key) {
        case Metadata.CORRELATION_ID, Metadata.CAUSATION_ID, Metadata.ACTOR, Metadata.REASON,
            Metadata.COMMAND_ID, Metadata.TRACEPARENT -> {
          if (!value.isTextual()) {
            throw new InvalidInputException("metadata." + key + " must be a string, was " + value.getNodeType());
          }
        }
        case Metadata.REVOKES -> {
          if (!value.isArray()) {
            throw new InvalidInputException("metadata.revokes must be an array of event ids");
          }
          for (JsonNode id : value) {
            if (!id.isTextual() || !isUuid(id.asText())) {
              throw new InvalidInputException("metadata.revokes holds '" + id + "', which is not an event id (UUID)");
            }
          }
        }
        case Metadata.IMPORTED -> {
          if (!imported) {
            throw new InvalidInputException("metadata.imported is set by the store on imported events only");
          }
        }
        default -> { }
      }
    }
  }

  private static boolean isUuid(String s) {
    try {
      return UUID.fromString(s).toString().equalsIgnoreCase(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String abbreviate(Json json) {
    String s = json.toString();
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** Validates a read's page size. */
  public int checkLimit(int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be >= 1, was " + limit);
    }
    if (limit > limits.maxReadLimit()) {
      throw new InvalidInputException("limit must be <= " + limits.maxReadLimit() + ", was " + limit);
    }
    return limit;
  }
}
