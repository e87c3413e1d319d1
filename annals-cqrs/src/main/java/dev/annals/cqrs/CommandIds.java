package dev.annals.cqrs;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The ids of the events a command writes: name-based (UUID v3) from the stream, the command id and the
 * event's index. Retrying a command therefore retries the same ids, which the store's idempotency rule
 * recognises (docs/http-api.md), and the handler can recognise an earlier run by its first event's id.
 */
public final class CommandIds {

  private CommandIds() {}

  public static UUID eventId(String stream, UUID commandId, int index) {
    return UUID.nameUUIDFromBytes(
        ("annals-command:" + stream + ":" + commandId + ":" + index).getBytes(StandardCharsets.UTF_8));
  }
}
