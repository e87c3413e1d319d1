package dev.annals.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.annals.core.AppendResult;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The JSON wire format of events and results. Event {@code data} and {@code metadata} are written as
 * the stored bytes, untouched (no re-parse). Instants are ISO-8601 UTC with microseconds
 * ({@code 2026-03-15T14:47:00.000000Z}); an instant with sub-microsecond digits keeps them (nine
 * digits) so nothing is lost. Stateless and thread-safe.
 */
public final class WireJson {

  /**
   * Buffers come from a pool shared by all threads, not Jackson's default per-thread cache: requests
   * run on virtual threads, each new, so a per-thread cache would allocate fresh buffers per request.
   */
  static final JsonFactory FACTORY = JsonFactory.builder()
      // A key given twice in a request body is a 400, not "last wins": {"actor":5,"actor":"x"} must
      // not slip past the checks on the first, nor "type" or "expectedVersion" be silently replaced.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).maxStringLength(64 << 20).build())
      .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
      .build();

  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private WireJson() {}

  /** Formats an instant as ISO-8601 UTC with microseconds (nanoseconds only when present). */
  public static String instant(Instant at) {
    if (at.getNano() % 1000 != 0) {
      return NANOS.format(at);
    }
    LocalDateTime t = LocalDateTime.ofEpochSecond(at.getEpochSecond(), 0, ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return MICROS.format(at);
    }
    // What MICROS prints, written by hand: this runs for every event and result the server sends,
    // and the formatter's general machinery costs several times more.
    byte[] b = new byte[27];
    digits(b, 0, t.getYear(), 4);
    b[4] = '-';
    digits(b, 5, t.getMonthValue(), 2);
    b[7] = '-';
    digits(b, 8, t.getDayOfMonth(), 2);
    b[10] = 'T';
    digits(b, 11, t.getHour(), 2);
    b[13] = ':';
    digits(b, 14, t.getMinute(), 2);
    b[16] = ':';
    digits(b, 17, t.getSecond(), 2);
    b[19] = '.';
    digits(b, 20, at.getNano() / 1000, 6);
    b[26] = 'Z';
    return new String(b, StandardCharsets.US_ASCII);
  }

  private static void digits(byte[] b, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** Parses an ISO-8601 instant ({@code Z} or an offset); {@link HttpError} 400 naming {@code what}. */
  static Instant parseInstant(String text, String what) {
    try {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      throw HttpError.invalid(what + " must be an ISO-8601 instant such as 2026-03-15T14:47:00Z, was '"
          + abbreviate(text) + "'");
    }
  }

  public static String abbreviate(String s) {
    return abbreviate(s, 60);
  }

  public static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  public static com.fasterxml.jackson.core.JsonParser parser(byte[] body) throws IOException {
    return FACTORY.createParser(body);
  }

  public static JsonGenerator generator(OutputStream out) throws IOException {
    return FACTORY.createGenerator(out);
  }

  /** Writes one recorded event object. */
  public static void writeEvent(JsonGenerator g, RecordedEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", e.id().toString());
    g.writeStringField("stream", e.stream());
    g.writeNumberField("version", e.version());
    g.writeNumberField("position", e.position());
    g.writeStringField("type", e.type());
    g.writeFieldName("data");
    g.writeRawValue(new RawUtf8(e.data()));
    g.writeFieldName("metadata");
    g.writeRawValue(new RawUtf8(e.metadata()));
    g.writeStringField("recordedAt", instant(e.recordedAt()));
    g.writeStringField("effectiveAt", instant(e.effectiveAt()));
    g.writeEndObject();
  }

  public static void writeAppendResult(JsonGenerator g, AppendResult r) throws IOException {
    g.writeStartObject();
    g.writeStringField("stream", r.stream());
    g.writeNumberField("firstVersion", r.firstVersion());
    g.writeNumberField("lastVersion", r.lastVersion());
    g.writeNumberField("firstPosition", r.firstPosition());
    g.writeNumberField("lastPosition", r.lastPosition());
    g.writeStringField("recordedAt", instant(r.recordedAt()));
    g.writeEndObject();
  }

  /** A stored JSON value handed to Jackson as raw UTF-8, so the generator copies the bytes as they are. */
  private record RawUtf8(Json json) implements SerializableString {
    @Override
    public String getValue() {
      return json.toString();
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
      throw new UnsupportedOperationException("raw values are written unquoted");
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return json.unsafeBytes();
    }

    @Override
    public byte[] asQuotedUTF8() {
      throw new UnsupportedOperationException("raw values are written unquoted");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      throw new UnsupportedOperationException("raw values are written unquoted");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      throw new UnsupportedOperationException("raw values are written unquoted");
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      byte[] b = json.unsafeBytes();
      if (offset + b.length > buffer.length) {
        return -1;
      }
      System.arraycopy(b, 0, buffer, offset, b.length);
      return b.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      String s = getValue();
      if (offset + s.length() > buffer.length) {
        return -1;
      }
      s.getChars(0, s.length(), buffer, offset);
      return s.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
      throw new UnsupportedOperationException("raw values are written unquoted");
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      byte[] b = json.unsafeBytes();
      out.write(b);
      return b.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      throw new UnsupportedOperationException("raw values are written unquoted");
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      byte[] b = json.unsafeBytes();
      if (buffer.remaining() < b.length) {
        return -1;
      }
      buffer.put(b);
      return b.length;
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
