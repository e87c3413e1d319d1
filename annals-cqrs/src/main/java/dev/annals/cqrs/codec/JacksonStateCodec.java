package dev.annals.cqrs.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Json;
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
  private final Map<String, Class<? extends S>> byCase;
  private final Map<Class<?>, String> byClass;

  private JacksonStateCodec(Builder<S> b) {
    this.name = b.name;
    this.schema = b.schema;
    this.stateType = b.stateType;
    this.mapper = b.mapper;
    this.byCase = Map.copyOf(b.byCase);
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
    ObjectNode node = mapper.createObjectNode();
    node.put("case", c);
    node.set("value", mapper.valueToTree(state));
    return Json.of(node);
  }

  @Override
  public S decode(Json json) {
    try {
      JsonNode node = mapper.readTree(json.unsafeBytes());
      JsonNode c = node.get("case");
      if (c == null || !c.isTextual() || !node.has("value")) {
        throw new IllegalArgumentException("a " + name + " state must be {\"case\": ..., \"value\": ...}");
      }
      Class<? extends S> cls = byCase.get(c.asText());
      if (cls == null) {
        throw new IllegalArgumentException("unknown " + name + " state case '" + c.asText() + "'");
      }
      return stateType.cast(mapper.treeToValue(node.get("value"), cls));
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
