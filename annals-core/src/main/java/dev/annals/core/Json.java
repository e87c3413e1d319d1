package dev.annals.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable, syntactically valid JSON value held as its UTF-8 bytes.
 *
 * <p>Engines store and return these bytes untouched; only {@link #of(String)} / {@link #of(byte[])}
 * parse them, once, to prove they are one well-formed JSON value. Thread-safe (immutable).
 */
public final class Json {

  // A pool shared by all threads rather than Jackson's per-thread buffers: with virtual threads
  // (one per request in the server) a per-thread cache allocates fresh buffers for every value.
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(256).maxStringLength(64 << 20).build())
          .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
          .build();
  // Trees keep every digit and the scale of a decimal (12345678901234567.89 and 10.50 as written, not
  // rounded through a double): a value rewritten through a tree (Json.with, imports) or printed from one
  // (the CLI) must not change an amount.
  private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
      .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();
  /** For the numbers a BigDecimal cannot hold (an exponent such as 1e999999999999): read as doubles, as JSON allows. */
  private static final ObjectMapper DOUBLES = new ObjectMapper(FACTORY);

  /** The empty JSON object {@code {}}. */
  public static final Json EMPTY_OBJECT = new Json(new byte[] {'{', '}'}, true);

  /** JSON {@code null}. */
  public static final Json NULL = new Json("null".getBytes(StandardCharsets.US_ASCII), false);

  private final byte[] utf8;
  private final boolean object;

  private Json(byte[] utf8, boolean object) {
    this.utf8 = utf8;
    this.object = object;
  }

  /** Parses {@code text}; throws {@link InvalidInputException} unless it is exactly one JSON value. */
  public static Json of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses UTF-8 {@code bytes} (copied); throws {@link InvalidInputException} unless one JSON value in
   * well-formed UTF-8 (the parser alone lets overlong forms, surrogates and code points over U+10FFFF
   * through).
   */
  public static Json of(byte[] bytes) {
    byte[] copy = bytes.clone();
    Utf8.check(copy, "not JSON: the value");
    return new Json(copy, validate(copy));
  }

  /**
   * Wraps bytes that are already known to be exactly one valid JSON value (an engine wrote them after
   * validating them, or a codec has just parsed them as one value with the same limits); does not
   * parse. The array must not be modified afterwards. For storage engines and codecs only.
   */
  public static Json trusted(byte[] utf8) {
    return new Json(utf8, utf8.length > 0 && firstNonBlank(utf8) == '{');
  }

  /** Serialises a Jackson tree. */
  public static Json of(JsonNode node) {
    try {
      return new Json(MAPPER.writeValueAsBytes(node), node.isObject());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JsonNode that Jackson cannot write", e);
    }
  }

  private static byte firstNonBlank(byte[] b) {
    for (byte c : b) {
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c;
      }
    }
    return 0;
  }

  private static boolean validate(byte[] bytes) {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new InvalidInputException("not JSON: the value is empty");
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new InvalidInputException(
            "not JSON: more than one value (trailing content at offset "
                + p.currentTokenLocation().getByteOffset() + ")");
      }
      return first == JsonToken.START_OBJECT;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("not JSON: " + e.getOriginalMessage()
          + " at offset " + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset()));
    } catch (IOException e) {
      throw new InvalidInputException("not JSON: " + e.getMessage());
    }
  }

  /** True when this value is a JSON object. */
  public boolean isObject() {
    return object;
  }

  /** A copy of the UTF-8 bytes. */
  public byte[] bytes() {
    return utf8.clone();
  }

  /** Size in bytes of the UTF-8 encoding. */
  public int size() {
    return utf8.length;
  }

  /** The UTF-8 bytes without copying; callers must not modify them. For engines and codecs. */
  public byte[] unsafeBytes() {
    return utf8;
  }

  /** Parses into a Jackson tree (a fresh tree each call). */
  public JsonNode toNode() {
    try {
      try {
        return MAPPER.readTree(utf8);
      } catch (NumberFormatException outOfBigDecimalRange) {
        return DOUBLES.readTree(utf8);
      }
    } catch (IOException e) {
      throw new IllegalStateException("stored JSON no longer parses", e);
    }
  }

  /** This object with {@code key} set to {@code value}; this value must be an object. */
  public Json with(String key, JsonNode value) {
    if (!object) {
      throw new InvalidInputException("metadata must be a JSON object");
    }
    ObjectNode node = (ObjectNode) toNode();
    node.set(key, value);
    return of(node);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Json other && Arrays.equals(utf8, other.utf8);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(utf8);
  }

  /** The JSON text. */
  @Override
  public String toString() {
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
