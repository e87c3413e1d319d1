package dev.annals.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.IdempotencyConflictException;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Json;
import dev.annals.core.PayloadTooLargeException;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoreUnavailableException;
import dev.annals.core.StreamInfo;
import dev.annals.core.WrongExpectedVersionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The client's side of the wire format: writes request bodies, reads events (cutting {@code data} and
 * {@code metadata} out of the response as their exact bytes, so they equal what the store holds) and
 * maps error bodies back to the core's exceptions. Stateless, thread-safe.
 */
final class WireFormat {

  static final JsonFactory FACTORY = JsonFactory.builder()
      // an event's data may nest 256 deep (core Json's limit); a reply wraps it in a few more levels
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256 + 8).maxStringLength(64 << 20).build())
      .build();

  private WireFormat() {}

  /** ISO-8601 UTC, exact to the nanosecond, over the whole {@link Instant} range (a query may ask about any). */
  static String instant(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at);
  }

  /** A body writer. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static void writeExpected(JsonGenerator g, ExpectedVersion expected) throws IOException {
    g.writeFieldName("expectedVersion");
    if (expected instanceof ExpectedVersion.Exact exact) {
      g.writeNumber(exact.version());
    } else {
      g.writeString(expected.toString());
    }
  }

  static void writeEventFields(JsonGenerator g, EventData e) throws IOException {
    g.writeStringField("id", e.id().toString());
    g.writeStringField("type", e.type());
    g.writeFieldName("data");
    g.writeRawValue(e.data().toString());
    g.writeFieldName("metadata");
    g.writeRawValue(e.metadata().toString());
    if (e.effectiveAt().isPresent()) {
      g.writeStringField("effectiveAt", instant(e.effectiveAt().get()));
    }
  }

  /** A parsed JSON object whose scalar fields are kept as text/numbers and event arrays as events. */
  record Reply(Map<String, Object> fields, List<RecordedEvent> events) {
    long number(String name) {
      Object v = fields.get(name);
      if (v instanceof Number n) {
        return n.longValue();
      }
      throw new StoreUnavailableException("the server's reply lacks the number '" + name + "'");
    }

    boolean isNull(String name) {
      return !fields.containsKey(name) || fields.get(name) == NULL;
    }

    String text(String name) {
      Object v = fields.get(name);
      return v instanceof String s ? s : String.valueOf(v);
    }
  }

  static final Object NULL = new Object();

  /** Parses a reply object: top-level scalars into fields, an {@code events} array into events. */
  static Reply parse(byte[] body) {
    Map<String, Object> fields = new HashMap<>();
    List<RecordedEvent> events = new ArrayList<>();
    try {
      eachField(body, (name, t, p) -> {
        if (name.equals("events") && t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            events.add(event(p, body));
          }
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
          fields.put(name, p.getLongValue());
        } else if (t == JsonToken.VALUE_STRING) {
          fields.put(name, p.getText());
        } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
          fields.put(name, t == JsonToken.VALUE_TRUE);
        } else if (t == JsonToken.VALUE_NULL) {
          fields.put(name, NULL);
        } else {
          p.skipChildren();
        }
      });
    } catch (IOException e) {
      throw new StoreUnavailableException("the server's reply is not valid JSON: " + e.getMessage(), e);
    }
    return new Reply(fields, events);
  }

  /** What to do with one top-level field of a reply object; the parser stands on its value. */
  private interface FieldReader {
    void read(String name, JsonToken value, JsonParser p) throws IOException;
  }

  /** Walks a reply that must be a JSON object, handing each top-level field to {@code reader}. */
  private static void eachField(byte[] body, FieldReader reader) throws IOException {
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new StoreUnavailableException("the server's reply is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        reader.read(name, p.nextToken(), p);
      }
    }
  }

  /** One page of {@code GET /streams}: the streams and the {@code after} of the next page, if any. */
  record StreamsPage(List<StreamInfo> streams, Optional<String> next) {}

  /** Parses a {@code GET /streams} reply: {@code {"streams": [{"stream", "version", "lastPosition", "lastRecordedAt"}], "next"}}. */
  static StreamsPage parseStreams(byte[] body) {
    List<StreamInfo> streams = new ArrayList<>();
    List<String> next = new ArrayList<>(1);
    try {
      eachField(body, (name, t, p) -> {
        if (name.equals("streams") && t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            streams.add(streamInfo(p));
          }
        } else if (name.equals("next") && t == JsonToken.VALUE_STRING) {
          next.add(p.getText());
        } else {
          p.skipChildren();
        }
      });
    } catch (IOException | java.time.format.DateTimeParseException e) {
      throw new StoreUnavailableException("the server's list of streams is not valid: " + e.getMessage(), e);
    }
    return new StreamsPage(streams, next.isEmpty() ? Optional.empty() : Optional.of(next.getLast()));
  }

  private static StreamInfo streamInfo(JsonParser p) throws IOException {
    String stream = null;
    long version = -1;
    long lastPosition = -1;
    Instant lastRecordedAt = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "stream" -> stream = p.getText();
        case "version" -> version = p.getLongValue();
        case "lastPosition" -> lastPosition = p.getLongValue();
        case "lastRecordedAt" -> lastRecordedAt = Instant.parse(p.getText());
        default -> p.skipChildren();
      }
    }
    if (stream == null || version < 0 || lastPosition < 0 || lastRecordedAt == null) {
      throw new StoreUnavailableException("the server sent an incomplete stream summary");
    }
    return new StreamInfo(stream, version, lastPosition, lastRecordedAt);
  }

  /** Parses one event object (the parser is at its START_OBJECT). */
  static RecordedEvent event(JsonParser p, byte[] body) throws IOException {
    UUID id = null;
    String stream = null;
    String type = null;
    long version = 0;
    long position = 0;
    Json data = null;
    Json metadata = Json.EMPTY_OBJECT;
    Instant recordedAt = null;
    Instant effectiveAt = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "id" -> id = UUID.fromString(p.getText());
        case "stream" -> stream = p.getText();
        case "type" -> type = p.getText();
        case "version" -> version = p.getLongValue();
        case "position" -> position = p.getLongValue();
        case "data" -> data = raw(p, t, body);
        case "metadata" -> metadata = raw(p, t, body);
        case "recordedAt" -> recordedAt = Instant.parse(p.getText());
        case "effectiveAt" -> effectiveAt = Instant.parse(p.getText());
        default -> p.skipChildren();
      }
    }
    if (id == null || stream == null || type == null || data == null || recordedAt == null || effectiveAt == null) {
      throw new StoreUnavailableException("the server sent an incomplete event");
    }
    return new RecordedEvent(id, stream, version, position, type, data, metadata, recordedAt, effectiveAt);
  }

  /** Parses one event from SSE {@code data}. */
  static RecordedEvent event(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new StoreUnavailableException("an SSE message is not an event object");
      }
      return event(p, json);
    } catch (IOException e) {
      throw new StoreUnavailableException("an SSE message is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static Json raw(JsonParser p, JsonToken t, byte[] body) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
    } else {
      p.finishToken();
    }
    int end = (int) p.currentLocation().getByteOffset();
    return Json.of(Arrays.copyOfRange(body, start, end));
  }

  /** The core exception for an error reply. */
  /** Whether an error reply names {@code stream} in its {@code stream} field (a stream's own 404 does). */
  static boolean namesStream(byte[] body, String stream) {
    try {
      Reply r = parse(body);
      return r.fields().containsKey("stream") && stream.equals(r.text("stream"));
    } catch (RuntimeException notJson) {
      return false;
    }
  }

  static RuntimeException error(int status, byte[] body) {
    Reply r;
    try {
      r = parse(body);
    } catch (RuntimeException notJson) {
      return status >= 500 ? new StoreUnavailableException("the server answered HTTP " + status)
          : new RequestRefusedException(status, "invalid_request", "the server answered HTTP " + status);
    }
    String code = r.text("error");
    String message = r.fields().containsKey("message") ? r.text("message") : "HTTP " + status;
    return switch (code) {
      case "wrong_expected_version" -> new WrongExpectedVersionException(r.text("stream"),
          ExpectedVersion.parse(r.text("expected")), r.number("actual"));
      case "idempotency_conflict" -> {
        String eventId = r.text("eventId");
        int at = message.indexOf("event " + eventId + " ");
        String why = at >= 0 ? message.substring(at + ("event " + eventId + " ").length()) : message;
        yield new IdempotencyConflictException(r.text("stream"), UUID.fromString(eventId), why);
      }
      case "payload_too_large" -> {
        long actual = r.number("actual");
        int at = message.lastIndexOf(" is " + actual);
        yield new PayloadTooLargeException(r.text("limit"), r.number("max"), actual,
            at > 0 ? message.substring(0, at) : "the request");
      }
      case "invalid_request" -> status == 405 ? new RequestRefusedException(status, code, message)
          : new InvalidInputException(message);
      case "unavailable" -> new StoreUnavailableException(message);
      default -> new RequestRefusedException(status, code, message);
    };
  }
}
