package dev.annals.cqrs.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Json;
import dev.annals.core.Metadata;
import java.nio.charset.StandardCharsets;

/**
 * Reads the metadata keys annals-cqrs relies on. The schema is found by a byte scan (no parser, no
 * tree) because it runs once per event on every read path; metadata the scan cannot read simply (any
 * backslash) is parsed.
 *
 * <ul>
 *   <li>{@value #SCHEMA}: the schema version of the event's data shape, a positive integer. Absent
 *       means 1, so events written without a codec read as their type's first shape.
 *   <li>{@code revokes} ({@link Metadata#REVOKES}): ids of events this event voids (docs/time.md).
 * </ul>
 *
 * Thread-safe (stateless).
 */
public final class EventMetadata {

  /** Metadata key holding the schema version of an event's data. */
  public static final String SCHEMA = "schema";

  private static final byte[] SCHEMA_KEY = ("\"" + SCHEMA + "\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BACKSLASH = {'\\'};

  private EventMetadata() {}

  /**
   * The schema version in {@code metadata}; 1 when absent. Reads what a JSON parser reads: blanks
   * anywhere between tokens, escapes in keys, and the last of repeated keys.
   *
   * @throws IllegalArgumentException the key holds something other than a positive integer
   */
  public static int schemaOf(Json metadata) {
    // A byte scan instead of a parser: this runs for every event read, and the store already
    // validated the metadata as a JSON object. With any backslash a key may spell "schema" with
    // escapes (or a string may hide a quote), so such metadata is parsed instead.
    byte[] b = metadata.unsafeBytes();
    if (indexOf(b, BACKSLASH, 0) >= 0) {
      return parsed(metadata);
    }
    // Fast path: writers in this module put the schema first ({"schema":N,...}) and only once.
    int i = afterLeadingSchemaKey(b);
    if (i < 0 || indexOf(b, SCHEMA_KEY, i) >= 0) {
      i = valueOf(b, SCHEMA_KEY);
    }
    if (i < 0) {
      return 1;
    }
    long v = 0;
    int start = i;
    while (i < b.length && b[i] >= '0' && b[i] <= '9' && v <= Integer.MAX_VALUE) {
      v = v * 10 + (b[i] - '0');
      i++;
    }
    boolean ends = i < b.length && (b[i] == ',' || b[i] == '}' || isBlank(b[i]));
    if (i == start || !ends || v < 1 || v > Integer.MAX_VALUE) {
      int stop = i;
      while (stop < b.length && b[stop] != ',' && b[stop] != '}') {
        stop++;
      }
      throw notPositive(new String(b, start, Math.min(stop, start + 40) - start, StandardCharsets.UTF_8).strip());
    }
    return (int) v;
  }

  /** Where the value starts when {@code b} opens with the key {@code "schema"} (blanks allowed), or -1. */
  private static int afterLeadingSchemaKey(byte[] b) {
    int i = skipBlanks(b, 0);
    if (i >= b.length || b[i] != '{') {
      return -1;
    }
    i = skipBlanks(b, i + 1);
    if (b.length - i < SCHEMA_KEY.length || !regionEquals(b, i, SCHEMA_KEY)) {
      return -1;
    }
    i = skipBlanks(b, i + SCHEMA_KEY.length);
    return i < b.length && b[i] == ':' ? skipBlanks(b, i + 1) : -1;
  }

  /** The slow path, for metadata with escapes: what Jackson's tree holds under the key. */
  private static int parsed(Json metadata) {
    JsonNode value = metadata.toNode().get(SCHEMA);
    if (value == null) {
      return 1;
    }
    if (!value.isInt() || value.intValue() < 1) {
      String text = value.toString();
      throw notPositive(text.length() > 40 ? text.substring(0, 40) : text);
    }
    return value.intValue();
  }

  private static IllegalArgumentException notPositive(String was) {
    return new IllegalArgumentException("metadata." + SCHEMA + " must be a positive integer, was " + was);
  }

  /**
   * Where the value of the last top-level {@code key} (quoted, as bytes) starts, or -1 (a parser keeps
   * the last of repeated keys). Assumes one valid JSON object without backslashes.
   */
  private static int valueOf(byte[] b, byte[] key) {
    if (indexOf(b, key, 0) < 0) {
      return -1;
    }
    int found = -1;
    int depth = 0;
    int i = 0;
    while (i < b.length) {
      byte c = b[i];
      if (c == '"') {
        int j = i + 1;
        while (j < b.length && b[j] != '"') {
          j++;
        }
        if (depth == 1) {
          int k = skipBlanks(b, j + 1);
          if (k < b.length && b[k] == ':' && j + 1 - i == key.length && regionEquals(b, i, key)) {
            found = skipBlanks(b, k + 1);
          }
        }
        i = j + 1;
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
      i++;
    }
    return found;
  }

  private static int skipBlanks(byte[] b, int i) {
    while (i < b.length && isBlank(b[i])) {
      i++;
    }
    return i;
  }

  private static boolean regionEquals(byte[] b, int at, byte[] key) {
    for (int k = 0; k < key.length; k++) {
      if (b[at + k] != key[k]) {
        return false;
      }
    }
    return true;
  }

  /** JSON's whitespace (RFC 8259 §2). */
  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** {@code metadata} (an object) with {@value #SCHEMA} set to {@code schema}, as its first key. */
  public static Json withSchema(Json metadata, int schema) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put(SCHEMA, schema);
    ObjectNode old = (ObjectNode) metadata.toNode();
    old.remove(SCHEMA);
    node.setAll(old);
    return Json.of(node);
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    byte first = needle[0];
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
