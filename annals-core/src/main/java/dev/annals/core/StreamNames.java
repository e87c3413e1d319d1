package dev.annals.core;

import java.nio.charset.StandardCharsets;

/** The rules for stream names (docs/http-api.md). */
public final class StreamNames {

  private StreamNames() {}

  /** The part before the first {@code -}; the whole name when there is none. */
  public static String category(String stream) {
    int dash = stream.indexOf('-');
    return dash < 0 ? stream : stream.substring(0, dash);
  }

  /** Names starting with {@code $} are reserved for the system. */
  public static boolean isSystem(String stream) {
    return !stream.isEmpty() && stream.charAt(0) == '$';
  }

  /**
   * Checks a name: 1..256 bytes of UTF-8, no control characters, no {@code /}. System names are
   * accepted here; {@link #validateUserStream} also rejects them.
   */
  public static void validate(String stream) {
    if (stream.isEmpty()) {
      throw new InvalidInputException("stream name is empty");
    }
    for (int i = 0; i < stream.length(); i++) {
      char c = stream.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidInputException(
            "stream name contains control character U+%04X at index %d".formatted((int) c, i));
      }
      if (c == '/') {
        throw new InvalidInputException("stream name contains '/' at index " + i);
      }
      if (Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c) && i + 1 < stream.length()
              && Character.isLowSurrogate(stream.charAt(i + 1)))
          && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(stream.charAt(i - 1)))) {
        throw new InvalidInputException("stream name contains an unpaired surrogate at index " + i);
      }
    }
    int bytes = stream.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Limits.MAX_STREAM_NAME_BYTES) {
      throw new InvalidInputException(
          "stream name is " + bytes + " bytes of UTF-8, over the limit of " + Limits.MAX_STREAM_NAME_BYTES);
    }
  }

  /** {@link #validate} plus: not a reserved {@code $} name. */
  public static void validateUserStream(String stream) {
    validate(stream);
    if (isSystem(stream)) {
      throw new InvalidInputException("stream names starting with '$' are reserved for the system: " + stream);
    }
  }

  /** Checks an event type: 1..128 characters of {@code [A-Za-z0-9._:-]}. */
  public static void validateType(String type) {
    if (type.isEmpty() || type.length() > Limits.MAX_TYPE_CHARS) {
      throw new InvalidInputException(
          "event type must be 1.." + Limits.MAX_TYPE_CHARS + " characters, was " + type.length());
    }
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) {
        throw new InvalidInputException(
            "event type '" + type + "' has '" + c + "' at index " + i + "; allowed: [A-Za-z0-9._:-]");
      }
    }
  }
}
