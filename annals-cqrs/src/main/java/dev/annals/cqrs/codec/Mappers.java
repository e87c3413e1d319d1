package dev.annals.cqrs.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;

/** The Jackson configuration codecs use unless given their own mapper. */
public final class Mappers {

  private Mappers() {}

  /**
   * A new mapper for records: {@code java.time} as ISO-8601 text, {@code Optional} fields, and strict
   * reading (unknown properties, nulls for primitives and missing required values are errors), so a
   * shape change without an upcaster fails loudly instead of reading as a wrong value.
   */
  public static ObjectMapper strictRecords() {
    return strictRecordsBuilder().build();
  }

  private static JsonMapper.Builder strictRecordsBuilder() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);
  }

  /**
   * {@link #strictRecords()} for bodies a client sends (commands): also no coercion between JSON types
   * ({@code "5"} or {@code 1.5} for a whole number, {@code 5} for a string, {@code 1} for a boolean, a
   * number of epoch seconds for an instant),
   * no repeated field, nothing after the value; each of these is an error, never a guessed value.
   */
  public static ObjectMapper strictRequests() {
    return strictRecordsBuilder() // its JavaTimeModule, then InstantText, which takes precedence for Instant
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .addModule(new SimpleModule("instants-as-text").addDeserializer(Instant.class, new InstantText()))
        .build();
  }

  /** An instant only as ISO-8601 text (the JSR-310 reader would also take a number as epoch seconds). */
  private static final class InstantText extends StdScalarDeserializer<Instant> {
    InstantText() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p.currentToken(), p,
            "an instant must be an ISO-8601 string such as \"2026-03-15T14:47:00Z\"");
      }
      return InstantDeserializer.INSTANT.deserialize(p, ctxt);
    }
  }
}
