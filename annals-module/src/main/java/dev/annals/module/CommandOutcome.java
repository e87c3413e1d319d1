package dev.annals.module;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.AppendResult;
import java.util.Optional;

/**
 * What a command did, for the response of {@code POST /commands/...}.
 *
 * @param stream the stream the command was decided on
 * @param append what it appended there; empty when it emitted nothing
 * @param repeated true when its command id had been handled already, so nothing was written
 * @param streamVersion the stream's version after the command
 * @param state the stream's state after the command, as JSON
 */
public record CommandOutcome(String stream, Optional<AppendResult> append, boolean repeated, long streamVersion,
    JsonNode state) {}
