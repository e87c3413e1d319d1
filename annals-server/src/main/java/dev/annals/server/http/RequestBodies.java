package dev.annals.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.InvalidInputException;
import dev.annals.core.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Parses the JSON bodies of the write routes with a streaming parser. Each event's {@code data} and
 * {@code metadata} are cut out of the body as their exact bytes, so what a client sent is what is
 * stored and read back. Unknown fields are rejected (a typo such as {@code "evnts"} must not silently
 * append nothing). Every mistake is an {@link HttpError} 400 naming the field. Stateless.
 */
public final class RequestBodies {

  /** An append request. */
  public record Append(ExpectedVersion expected, List<EventData> events) {}

  private final byte[] body;

  private RequestBodies(byte[] body) {
    this.body = body;
  }

  public static Append parseAppend(byte[] body) {
    RequestBodies r = new RequestBodies(body);
    return parse(body, p -> {
      ExpectedVersion expected = ExpectedVersion.ANY;
      List<EventData> events = null;
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "the body");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "expectedVersion" -> expected = expectedVersion(p, t);
          case "events" -> {
            expect(p, t, JsonToken.START_ARRAY, "events");
            events = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              events.add(r.event(p, "events[" + events.size() + "]", false).event());
            }
          }
          default -> throw HttpError.invalid("unknown field '" + field + "' in the append body;"
              + " allowed: expectedVersion, events");
        }
      }
      if (events == null) {
        throw HttpError.invalid("the append body needs an 'events' array");
      }
      return new Append(expected, events);
    });
  }

  public static List<ImportEvent> parseImport(byte[] body) {
    RequestBodies r = new RequestBodies(body);
    return parse(body, p -> {
      List<ImportEvent> events = null;
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "the body");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!field.equals("events")) {
          throw HttpError.invalid("unknown field '" + field + "' in the import body; allowed: events");
        }
        expect(p, t, JsonToken.START_ARRAY, "events");
        events = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          Parsed e = r.event(p, "events[" + events.size() + "]", true);
          events.add(new ImportEvent(e.stream().orElseThrow(), e.event(), e.recordedAt().orElseThrow()));
        }
      }
      if (events == null) {
        throw HttpError.invalid("the import body needs an 'events' array");
      }
      return events;
    });
  }

  private interface Body<T> {
    T read(JsonParser p) throws IOException;
  }

  private static <T> T parse(byte[] body, Body<T> reader) {
    try (JsonParser p = WireJson.FACTORY.createParser(body)) {
      T result = reader.read(p);
      if (p.nextToken() != null) {
        throw HttpError.invalid("malformed JSON: trailing content after the body at offset "
            + p.currentTokenLocation().getByteOffset());
      }
      return result;
    } catch (StreamConstraintsException e) {
      throw HttpError.invalid("malformed JSON: " + e.getOriginalMessage());
    } catch (JsonParseException e) {
      throw HttpError.invalid("malformed JSON: " + e.getOriginalMessage() + " at offset "
          + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset()));
    } catch (IOException e) {
      throw HttpError.invalid("malformed JSON: " + e.getMessage());
    }
  }

  private record Parsed(EventData event, Optional<String> stream, Optional<Instant> recordedAt) {}

  private Parsed event(JsonParser p, String where, boolean imported) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_OBJECT, where);
    UUID id = null;
    String type = null;
    Json data = null;
    Json metadata = Json.EMPTY_OBJECT;
    Instant effectiveAt = null;
    String stream = null;
    Instant recordedAt = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "id" -> {
          String text = string(p, t, where + ".id");
          // UUID.fromString is lenient ("1-1-1-1-1" is 00000001-0001-...): only the canonical text is an id.
          if (!isCanonicalUuid(text)) {
            throw HttpError.invalid(where + ".id must be a UUID (8-4-4-4-12 hex digits), was '"
                + WireJson.abbreviate(text) + "'");
          }
          id = UUID.fromString(text);
        }
        case "type" -> type = string(p, t, where + ".type");
        case "data" -> data = rawValue(p, t);
        case "metadata" -> metadata = rawValue(p, t);
        case "effectiveAt" -> effectiveAt = WireJson.parseInstant(string(p, t, where + ".effectiveAt"), where + ".effectiveAt");
        case "stream" -> {
          if (!imported) {
            throw unknown(where, field, false);
          }
          stream = string(p, t, where + ".stream");
        }
        case "recordedAt" -> {
          if (!imported) {
            throw unknown(where, field, false);
          }
          recordedAt = WireJson.parseInstant(string(p, t, where + ".recordedAt"), where + ".recordedAt");
        }
        default -> throw unknown(where, field, imported);
      }
    }
    if (type == null) {
      throw HttpError.invalid(where + ".type is required");
    }
    if (data == null) {
      throw HttpError.invalid(where + ".data is required (any JSON value)");
    }
    if (imported && stream == null) {
      throw HttpError.invalid(where + ".stream is required");
    }
    if (imported && recordedAt == null) {
      throw HttpError.invalid(where + ".recordedAt is required");
    }
    EventData e = new EventData(id == null ? UUID.randomUUID() : id, type, data, metadata,
        Optional.ofNullable(effectiveAt));
    return new Parsed(e, Optional.ofNullable(stream), Optional.ofNullable(recordedAt));
  }

  /**
   * Whether {@code text} is a UUID's canonical form: 8-4-4-4-12 hex digits, either case. A loop, not a
   * regular expression: every event id of every append passes here (the regex cost about 4% of the
   * request threads' CPU samples in http-append-concurrent-64).
   */
  static boolean isCanonicalUuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean ok = (i == 8 || i == 13 || i == 18 || i == 23)
          ? c == '-'
          : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static HttpError unknown(String where, String field, boolean imported) {
    return HttpError.invalid("unknown field '" + field + "' in " + where + "; allowed: id, type, data, metadata, effectiveAt"
        + (imported ? ", stream, recordedAt" : ""));
  }

  private static ExpectedVersion expectedVersion(JsonParser p, JsonToken t) throws IOException {
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG) {
          throw HttpError.invalid("expectedVersion is out of range");
        }
        return ExpectedVersion.exactly(p.getLongValue());
      }
      if (t == JsonToken.VALUE_STRING) {
        String text = p.getText();
        // A number is a JSON number: "08" or "+1" in a string is a mistake, not version 8 or 1.
        if (!text.equals("any") && !text.equals("no_stream") && !text.equals("exists")) {
          throw HttpError.invalid("expected version must be \"any\", \"no_stream\", \"exists\" or a version number"
              + " written as a JSON number, was the string '" + WireJson.abbreviate(text) + "'");
        }
        return ExpectedVersion.parse(text);
      }
    } catch (InvalidInputException e) {
      throw HttpError.invalid(e.getMessage());
    }
    throw HttpError.invalid("expectedVersion must be \"any\", \"no_stream\", \"exists\" or a version number, was "
        + describe(t));
  }

  private static String string(JsonParser p, JsonToken t, String where) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw HttpError.invalid(where + " must be a string, was " + describe(t));
    }
    return p.getText();
  }

  /**
   * The exact bytes of the value at the current token. Reading past it is what validates it: the
   * parser tokenizes every byte of it under the same limits as {@link Json#of(byte[])} (its factory
   * has the same read constraints), and a malformed value fails the whole body as malformed JSON.
   * So the slice is wrapped without a second parse.
   */
  private Json rawValue(JsonParser p, JsonToken t) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
    } else {
      p.finishToken();
    }
    int end = (int) p.currentLocation().getByteOffset();
    return Json.trusted(Arrays.copyOfRange(body, start, end));
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String where) {
    if (actual != wanted) {
      throw HttpError.invalid(where + " must be " + (wanted == JsonToken.START_OBJECT ? "an object" : "an array")
          + ", was " + describe(actual));
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }
}
