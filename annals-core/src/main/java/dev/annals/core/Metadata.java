package dev.annals.core;

/** Reserved metadata keys (docs/http-api.md). All optional; unknown keys are kept untouched. */
public final class Metadata {
  public static final String CORRELATION_ID = "correlationId";
  public static final String CAUSATION_ID = "causationId";
  public static final String ACTOR = "actor";
  public static final String REASON = "reason";
  public static final String COMMAND_ID = "commandId";
  /** An array of event ids that this event voids (retroactive corrections). */
  public static final String REVOKES = "revokes";
  public static final String TRACEPARENT = "traceparent";
  /** Set to {@code true} by the store on events written through the import path. */
  public static final String IMPORTED = "imported";

  private Metadata() {}
}
