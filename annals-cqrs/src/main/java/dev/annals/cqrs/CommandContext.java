package dev.annals.cqrs;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Who sends a command, why, and as part of what. Every event the command writes carries these in its
 * metadata ({@code commandId}, {@code correlationId}, {@code causationId}, {@code actor},
 * {@code reason}). Without an explicit correlation or causation id, both are the command id (the
 * command starts a new conversation).
 *
 * @param commandId identifies the command; repeating it on the same stream writes nothing
 */
public record CommandContext(
    UUID commandId,
    Optional<String> correlationId,
    Optional<String> causationId,
    Optional<String> actor,
    Optional<String> reason) {

  public CommandContext {
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(causationId, "causationId");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
  }

  public static CommandContext of(UUID commandId) {
    return new CommandContext(commandId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** A context with a fresh random command id (the caller does not retry this command). */
  public static CommandContext random() {
    return of(UUID.randomUUID());
  }

  public CommandContext withCorrelationId(String id) {
    return new CommandContext(commandId, Optional.of(id), causationId, actor, reason);
  }

  public CommandContext withCausationId(String id) {
    return new CommandContext(commandId, correlationId, Optional.of(id), actor, reason);
  }

  public CommandContext withActor(String who) {
    return new CommandContext(commandId, correlationId, causationId, Optional.of(who), reason);
  }

  public CommandContext withReason(String why) {
    return new CommandContext(commandId, correlationId, causationId, actor, Optional.of(why));
  }
}
