package dev.annals.cqrs.codec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Json;
import dev.annals.core.Metadata;
import java.nio.charset.StandardCharsets;

/**
 * Reads the metadata keys annals-cqrs relies on, with a streaming parser (no tree) because it runs
 * once per event on every read path.
 *
 * <ul>
 *   <li>{@value #SCHEMA}: the schema version of the event's data shape, a positive integer. Absent
 *       means 1, so events written without a codec read as their type's first shape.
 *   <li>{@code revokes} ({@link Metadata#REVOKES}): ids of events this event voids (design §4).
 * </ul>
 *
 * Thread-safe (stateless).
 */
public final class EventMetadata {

  /** Metadata key holding the schema version of an event's data. */
  public static final String SCHEMA = "schema";

  private static final byte[] SCHEMA_KEY = ("\"" + SCHEMA + "\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SCHEMA_FIRST = ("{\"" + SCHEMA + "\":").getBytes(StandardCharsets.US_ASCII);

  private EventMetadata() {}

  /**
   * The schema version in {@code metadata}; 1 when absent.
   *
   * @throws IllegalArgumentException the key holds something other than a positive integer
   */
  public static int schemaOf(Json metadata) {
    // A byte scan instead of a parser: this runs for every event read, and the store already
    // validated the metadata as a JSON object.
    byte[] b = metadata.unsafeBytes();
    // Fast path: writers in this module put the schema first ({"schema":N,...}).
    int i = b.length > SCHEMA_FIRST.length && regionEquals(b, 0, SCHEMA_FIRST) ? SCHEMA_FIRST.length : valueOf(b, SCHEMA_KEY);
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
      throw new IllegalArgumentException("metadata." + SCHEMA + " must be a positive integer, was "
          + new String(b, start, Math.min(stop, start + 40) - start, StandardCharsets.UTF_8));
    }
    return (int) v;
  }

  /**
   * Where the value of the top-level {@code key} (quoted, as bytes) starts, or -1. Assumes one valid
   * JSON object, as stored metadata always is.
   */
  private static int valueOf(byte[] b, byte[] key) {
    if (indexOf(b, key) < 0) {
      return -1;
    }
    int depth = 0;
    int i = 0;
    while (i < b.length) {
      byte c = b[i];
      if (c == '"') {
        int j = i + 1;
        while (j < b.length && b[j] != '"') {
          j += b[j] == '\\' ? 2 : 1;
        }
        if (depth == 1) {
          int k = j + 1;
          while (k < b.length && isBlank(b[k])) {
            k++;
          }
          if (k < b.length && b[k] == ':' && j + 1 - i == key.length && regionEquals(b, i, key)) {
            k++;
            while (k < b.length && isBlank(b[k])) {
              k++;
            }
            return k;
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
    return -1;
  }

  private static boolean regionEquals(byte[] b, int at, byte[] key) {
    for (int k = 0; k < key.length; k++) {
      if (b[at + k] != key[k]) {
        return false;
      }
    }
    return true;
  }

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

  private static int indexOf(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    byte second = needle[1];
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      if (haystack[i] != first || haystack[i + 1] != second) {
        continue;
      }
      for (int j = 2; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
