package dev.annals.examples.bank;

import dev.annals.cqrs.CommandIds;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids for the steps of the bank's processes. A step re-run after a crash uses the
 * same command id, so the command handler recognises it and writes nothing twice.
 */
public final class ProcessIds {

  private ProcessIds() {}

  /** The command id of step {@code step} of process {@code process} (e.g. "transfer", "t-42", "debit"). */
  public static UUID command(String process, String id, String step) {
    return UUID.nameUUIDFromBytes(("annals-bank:" + process + ":" + id + ":" + step).getBytes(StandardCharsets.UTF_8));
  }

  /** The id of the first event a command wrote on {@code stream} (as assigned by the command handler). */
  public static UUID firstEvent(String stream, UUID commandId) {
    return CommandIds.eventId(stream, commandId, 0);
  }
}
