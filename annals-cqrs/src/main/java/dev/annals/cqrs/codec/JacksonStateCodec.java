package dev.annals.cqrs.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.annals.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link StateCodec} over Jackson. The state's record classes are registered explicitly under case
 * names (a state is often a sealed interface: {@code NotOpened | Open | Closed}); the JSON is
 * {@code {"case": "<name>", "value": {...}}}. Immutable and thread-safe once built.
 */
public final class JacksonStateCodec<S> implements StateCodec<S> {

  private final String name;
  private final int schema;
  private final Class<S> stateType;
  private final ObjectMapper mapper;
  private final Map<String, ObjectReader> readers;
  private final Map<Class<?>, String> byClass;

  private JacksonStateCodec(Builder<S> b) {
    this.name = b.name;
    this.schema = b.schema;
    this.stateType = b.stateType;
    this.mapper = b.mapper;
    Map<String, ObjectReader> readers = new LinkedHashMap<>();
    b.byCase.forEach((k, v) -> readers.put(k, mapper.readerFor(v)));
    this.readers = Map.copyOf(readers);
    Map<Class<?>, String> classes = new LinkedHashMap<>();
    b.byCase.forEach((k, v) -> classes.put(v, k));
    this.byClass = Map.copyOf(classes);
  }

  /** A codec for a state that is one record class, registered under its simple name. */
  public static <S> JacksonStateCodec<S> of(String name, int schema, Class<S> stateClass) {
    return builder(name, schema, stateClass).register(stateClass.getSimpleName(), stateClass).build();
  }

  public static <S> Builder<S> builder(String name, int schema, Class<S> stateType) {
    return new Builder<>(name, schema, stateType, Mappers.strictRecords());
  }

  public static <S> Builder<S> builder(String name, int schema, Class<S> stateType, ObjectMapper mapper) {
    return new Builder<>(name, schema, stateType, mapper);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int schema() {
    return schema;
  }

  @Override
  public Json encode(S state) {
    String c = byClass.get(state.getClass());
    if (c == null) {
      throw new IllegalArgumentException("state class " + state.getClass().getName() + " is not registered with the "
          + name + " state codec");
    }
    // Written by a generator, not through a tree, which would strip a BigDecimal's trailing zeros.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = mapper.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("case", c);
      g.writeFieldName("value");
      mapper.writeValue(g, state);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode a " + name + " state: " + e.getMessage(), e);
    }
    return Json.of(out.toByteArray());
  }

  /**
   * Streams the JSON instead of reading a tree: a tree holds decimals as doubles (losing digits and
   * trailing zeros of a {@code BigDecimal}), so the value's tokens are buffered as read and decoded
   * exactly as from the bytes.
   */
  @Override
  public S decode(Json json) {
    try (JsonParser p = mapper.createParser(json.unsafeBytes())) {
      String caseName = null;
      TokenBuffer value = null;
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken token = p.nextToken();
          if (field.equals("case")) {
            caseName = token == JsonToken.VALUE_STRING ? p.getText() : null;
            p.skipChildren();
          } else if (field.equals("value")) {
            value = new TokenBuffer(p);
            value.copyCurrentStructure(p);
          } else {
            p.skipChildren();
          }
        }
      }
      if (caseName == null || value == null) {
        throw new IllegalArgumentException("a " + name + " state must be {\"case\": ..., \"value\": ...}");
      }
      ObjectReader reader = readers.get(caseName);
      if (reader == null) {
        throw new IllegalArgumentException("unknown " + name + " state case '" + caseName + "'");
      }
      try (JsonParser v = value.asParser()) {
        return stateType.cast(reader.readValue(v));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot decode a " + name + " state: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot decode a " + name + " state: " + e.getMessage(), e);
    }
  }

  /** Not thread-safe. */
  public static final class Builder<S> {
    private final String name;
    private final int schema;
    private final Class<S> stateType;
    private final ObjectMapper mapper;
    private final Map<String, Class<? extends S>> byCase = new LinkedHashMap<>();

    private Builder(String name, int schema, Class<S> stateType, ObjectMapper mapper) {
      if (schema < 1) {
        throw new IllegalArgumentException("schema versions start at 1, was " + schema);
      }
      this.name = name;
      this.schema = schema;
      this.stateType = stateType;
      this.mapper = mapper;
    }

    public Builder<S> register(String caseName, Class<? extends S> cls) {
      if (byCase.containsKey(caseName) || byCase.containsValue(cls)) {
        throw new IllegalArgumentException("state case '" + caseName + "' or " + cls.getName() + " registered twice");
      }
      byCase.put(caseName, cls);
      return this;
    }

    public JacksonStateCodec<S> build() {
      if (byCase.isEmpty()) {
        throw new IllegalArgumentException("a state codec needs at least one registered class");
      }
      return new JacksonStateCodec<>(this);
    }
  }
}
