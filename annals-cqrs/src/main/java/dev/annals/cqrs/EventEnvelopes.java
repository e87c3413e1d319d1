package dev.annals.cqrs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.EventData;
import dev.annals.core.Json;
import dev.annals.core.Metadata;
import dev.annals.cqrs.codec.EncodedEvent;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.cqrs.codec.EventMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * How a command's decision becomes events to append: ids derived from (stream, commandId, index) by
 * {@link CommandIds}, metadata with the schema first (the read path's fast path looks there), then
 * commandId, correlationId, causationId (both default to the commandId), actor, reason and
 * {@code revokes}, and the event's effective time. The one place this is done, so events written by
 * {@link CommandHandler} and by anything that simulates it (e.g. a history generator) are identical.
 * Stateless and thread-safe.
 */
public final class EventEnvelopes {

  private EventEnvelopes() {}

  public static <E> List<EventData> toEventData(String stream, List<Emitted<E>> emitted, CommandContext context,
      EventCodec<E> codec) {
    List<EventData> out = new ArrayList<>(emitted.size());
    for (int i = 0; i < emitted.size(); i++) {
      Emitted<E> e = emitted.get(i);
      EncodedEvent encoded = codec.encode(e.event());
      ObjectNode meta = JsonNodeFactory.instance.objectNode();
      String commandId = context.commandId().toString();
      meta.put(EventMetadata.SCHEMA, encoded.schema());
      meta.put(Metadata.COMMAND_ID, commandId);
      meta.put(Metadata.CORRELATION_ID, context.correlationId().orElse(commandId));
      meta.put(Metadata.CAUSATION_ID, context.causationId().orElse(commandId));
      context.actor().ifPresent(a -> meta.put(Metadata.ACTOR, a));
      context.reason().ifPresent(r -> meta.put(Metadata.REASON, r));
      if (!e.revokes().isEmpty()) {
        ArrayNode revokes = meta.putArray(Metadata.REVOKES);
        e.revokes().forEach(id -> revokes.add(id.toString()));
      }
      out.add(new EventData(CommandIds.eventId(stream, context.commandId(), i), encoded.type(), encoded.data(),
          Json.of(meta), e.effectiveAt()));
    }
    return out;
  }
}
