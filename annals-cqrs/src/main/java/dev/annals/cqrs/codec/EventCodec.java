package dev.annals.cqrs.codec;

import dev.annals.core.EventData;
import dev.annals.core.EventHandler;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import java.util.Set;
import java.util.UUID;

/**
 * Maps domain events (records) to and from their stored form: a type name, JSON data and a schema
 * version kept in metadata under {@link EventMetadata#SCHEMA}.
 *
 * <p>{@link #decode(RecordedEvent)} is the one read path: it applies the upcasters, so command
 * handling, temporal queries, projections and subscriptions all see the current shape of every event.
 * Implementations are thread-safe.
 */
public interface EventCodec<E> {

  /**
   * The current-shape domain event of a recorded event, upcast as needed.
   *
   * @throws UnknownEventTypeException no registration (after upcasting) for the event's type
   * @throws EventDecodingException the data does not fit the registered record, or its schema version
   *     is newer than the codec's or has no upcaster
   */
  E decode(RecordedEvent event);

  /**
   * The stored form of {@code event}.
   *
   * @throws UnknownEventTypeException the event's class is not registered
   */
  EncodedEvent encode(E event);

  /**
   * The type names this codec decodes to (current shapes). Not for selecting stored events: an event
   * stored under an old name that an upcaster renames has another name; use {@link #storedTypes()}.
   */
  Set<String> types();

  /**
   * Every type name a stored event this codec decodes may have: the current names plus each
   * upcaster's source name. Build a {@code Filter.types(...)} for a subscription or a read from this.
   */
  Set<String> storedTypes();

  /**
   * A subscription handler (for {@code subscribeToAll}/{@code subscribeToStream}) that passes each
   * event on together with its decoded, upcast domain event. A decoding failure stops the
   * subscription like any handler error.
   */
  default EventHandler handler(DecodedEventHandler<E> handler) {
    return recorded -> handler.onEvent(recorded, decode(recorded));
  }

  /** Receives recorded events with their decoded domain events. */
  @FunctionalInterface
  interface DecodedEventHandler<E> {
    void onEvent(RecordedEvent recorded, E event) throws Exception;
  }

  /**
   * An {@link EventData} for {@code event} with the given id, and metadata holding only its schema
   * version. Useful for tests and direct appends; the command handler adds its own metadata.
   */
  default EventData toEventData(UUID id, E event) {
    EncodedEvent encoded = encode(event);
    Json metadata = EventMetadata.withSchema(Json.EMPTY_OBJECT, encoded.schema());
    return new EventData(id, encoded.type(), encoded.data(), metadata, java.util.Optional.empty());
  }
}
