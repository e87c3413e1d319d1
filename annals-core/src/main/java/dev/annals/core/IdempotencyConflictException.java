package dev.annals.core;

import java.util.UUID;

/**
 * Some but not all of an append's event ids were already written (or they were written elsewhere than
 * this append claims); nothing was written.
 */
public final class IdempotencyConflictException extends EventStoreException {

  private final String stream;
  private final UUID eventId;

  public IdempotencyConflictException(String stream, UUID eventId, String why) {
    super("append to '" + stream + "' conflicts with an earlier append: event " + eventId + " " + why);
    this.stream = stream;
    this.eventId = eventId;
  }

  public String stream() {
    return stream;
  }

  /** The first event id that conflicts. */
  public UUID eventId() {
    return eventId;
  }

  @Override
  public String code() {
    return "idempotency_conflict";
  }
}
