package dev.annals.cqrs.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StreamNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An {@link EventCodec} over Jackson: each record class is registered explicitly under a type name
 * and its current schema version; upcasters chain old shapes to current ones.
 *
 * <pre>{@code
 * EventCodec<AccountEvent> codec = JacksonEventCodec.builder(AccountEvent.class)
 *     .register("AccountOpened", AccountOpened.class)
 *     .register("Deposited", Deposited.class, 2)              // current shape is schema 2
 *     .upcast(Upcaster.of("Deposited", 1, d -> ...))          // schema 1 -> 2
 *     .build();
 * }</pre>
 *
 * <p>When the event type is a sealed interface, {@link Builder#build()} checks that every record that
 * implements it is registered. Immutable and thread-safe once built.
 */
public final class JacksonEventCodec<E> implements EventCodec<E> {

  private record Registration(String type, Class<?> recordClass, int schema, ObjectReader reader, ObjectWriter writer) {}

  private record Key(String type, int schema) {}

  private final ObjectMapper mapper;
  private final ObjectReader treeReader;
  private final Map<String, Registration> byType;
  private final Map<Class<?>, Registration> byClass;
  private final Map<Key, Upcaster> upcasters;
  private final Set<String> storedTypes;
  private final Class<E> eventType;

  private JacksonEventCodec(Builder<E> b) {
    this.mapper = b.mapper;
    this.treeReader = mapper.reader()
        .with(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    this.eventType = b.eventType;
    this.byType = Map.copyOf(b.byType);
    Map<Class<?>, Registration> classes = new HashMap<>();
    for (Registration r : b.byType.values()) {
      classes.put(r.recordClass(), r);
    }
    this.byClass = Map.copyOf(classes);
    this.upcasters = Map.copyOf(b.upcasters);
    Set<String> stored = new HashSet<>(byType.keySet());
    upcasters.keySet().forEach(k -> stored.add(k.type()));
    this.storedTypes = Set.copyOf(stored);
  }

  public static <E> Builder<E> builder(Class<E> eventType) {
    return new Builder<>(eventType, Mappers.strictRecords());
  }

  /** A builder using {@code mapper} (configure it before; the codec does not change it). */
  public static <E> Builder<E> builder(Class<E> eventType, ObjectMapper mapper) {
    return new Builder<>(eventType, mapper);
  }

  @Override
  public E decode(RecordedEvent event) {
    return decode(event.type(), event.data(), event.metadata(), () -> where(event));
  }

  /** Decodes stored parts; {@code where} names the event in error messages (e.g. "stream 'a-1' version 3"). */
  public E decode(String storedType, Json data, Json metadata, String where) {
    return decode(storedType, data, metadata, () -> where);
  }

  private E decode(String storedType, Json data, Json metadata, Supplier<String> whereText) {
    int schema;
    try {
      schema = EventMetadata.schemaOf(metadata);
    } catch (IllegalArgumentException e) {
      throw new EventDecodingException(storedType, 0, "cannot decode " + whereText.get() + ": " + e.getMessage(), e);
    }
    String type = storedType;
    JsonNode tree = null;
    Upcaster up;
    int steps = 0;
    while ((up = upcasters.get(new Key(type, schema))) != null) {
      if (tree == null) {
        tree = readTree(data, type, schema, whereText);
      }
      try {
        tree = Objects.requireNonNull(up.transform().apply(tree), "the upcaster returned null");
      } catch (RuntimeException e) {
        throw new EventDecodingException(type, schema, "upcaster " + type + "@" + schema + " -> " + up.toType()
            + "@" + up.toSchema() + " failed on " + whereText.get() + ": " + e, e);
      }
      type = up.toType();
      schema = up.toSchema();
      if (++steps > upcasters.size()) {
        throw new EventDecodingException(type, schema, "upcasters loop at " + type + "@" + schema, null);
      }
    }
    Registration reg = byType.get(type);
    if (reg == null) {
      throw new UnknownEventTypeException(type, "no event type '" + type + "' is registered"
          + (type.equals(storedType) ? "" : " (upcast from '" + storedType + "')") + "; cannot decode " + whereText.get()
          + "; registered: " + byType.keySet().stream().sorted().toList());
    }
    if (schema != reg.schema()) {
      throw new EventDecodingException(type, schema, whereText.get() + " has '" + type + "' at schema " + schema
          + " but the codec reads schema " + reg.schema()
          + (schema > reg.schema() ? " (written by a newer version of the code)"
              : " and has no upcaster from schema " + schema), null);
    }
    try {
      // Upcast data is written out and read like stored data: read from the tree, an untyped field
      // (Object, JsonNode) would hold a BigDecimal where a stored event of this schema gives a Double.
      byte[] bytes = tree != null ? Json.of(tree).unsafeBytes() : data.unsafeBytes();
      Object value = reg.reader().readValue(bytes);
      return eventType.cast(value);
    } catch (IOException | IllegalArgumentException e) {
      String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new EventDecodingException(type, schema, "cannot decode " + whereText.get() + " as " + type + "@" + schema + " ("
          + reg.recordClass().getSimpleName() + "): " + detail, e);
    }
  }

  /** The tree an upcaster gets: decimals exact, as written (a double would lose digits and trailing zeros). */
  private JsonNode readTree(Json data, String type, int schema, Supplier<String> whereText) {
    try {
      return treeReader.readTree(data.unsafeBytes());
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new EventDecodingException(type, schema, "cannot read the data of " + whereText.get() + ": " + detail, e);
    }
  }

  @Override
  public EncodedEvent encode(E event) {
    Registration reg = byClass.get(event.getClass());
    if (reg == null) {
      throw new UnknownEventTypeException(event.getClass().getName(),
          "class " + event.getClass().getName() + " is not registered with this codec");
    }
    try {
      return new EncodedEvent(reg.type(), Json.of(reg.writer().writeValueAsBytes(event)), reg.schema());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Jackson cannot write " + event.getClass().getName(), e);
    }
  }

  @Override
  public Set<String> types() {
    return byType.keySet();
  }

  @Override
  public Set<String> storedTypes() {
    return storedTypes;
  }

  /** The mapper this codec reads and writes with. */
  public ObjectMapper mapper() {
    return mapper;
  }

  private static String where(RecordedEvent e) {
    return "event " + e.id() + " (stream '" + e.stream() + "' version " + e.version() + ", position "
        + e.position() + ")";
  }

  /** Collects registrations and upcasters. Not thread-safe. */
  public static final class Builder<E> {
    private final Class<E> eventType;
    private final ObjectMapper mapper;
    private final Map<String, Registration> byType = new LinkedHashMap<>();
    private final Map<Key, Upcaster> upcasters = new HashMap<>();

    private Builder(Class<E> eventType, ObjectMapper mapper) {
      this.eventType = eventType;
      this.mapper = mapper;
    }

    /** Registers {@code recordClass} under {@code type} at schema 1. */
    public Builder<E> register(String type, Class<? extends E> recordClass) {
      return register(type, recordClass, 1);
    }

    /** Registers {@code recordClass} under {@code type}; {@code schema} is the version of its current shape. */
    public Builder<E> register(String type, Class<? extends E> recordClass, int schema) {
      StreamNames.validateType(type);
      if (schema < 1) {
        throw new IllegalArgumentException("schema versions start at 1, was " + schema);
      }
      if (byType.containsKey(type)) {
        throw new IllegalArgumentException("type '" + type + "' is registered twice");
      }
      for (Registration r : byType.values()) {
        if (r.recordClass().equals(recordClass)) {
          throw new IllegalArgumentException(recordClass.getName() + " is registered twice ('" + r.type() + "', '"
              + type + "')");
        }
      }
      byType.put(type, new Registration(type, recordClass, schema, mapper.readerFor(recordClass),
          mapper.writerFor(recordClass)));
      return this;
    }

    public Builder<E> upcast(Upcaster upcaster) {
      Key key = new Key(upcaster.fromType(), upcaster.fromSchema());
      if (upcasters.putIfAbsent(key, upcaster) != null) {
        throw new IllegalArgumentException("two upcasters from " + key.type() + "@" + key.schema());
      }
      return this;
    }

    /**
     * Checks the registrations (every record of a sealed event type registered; every upcaster chain
     * ends at a registered type's current schema) and builds the codec.
     */
    public JacksonEventCodec<E> build() {
      if (eventType.isSealed()) {
        List<Class<?>> missing = new ArrayList<>();
        collectRecords(eventType, missing);
        missing.removeIf(c -> byType.values().stream().anyMatch(r -> r.recordClass().equals(c)));
        if (!missing.isEmpty()) {
          throw new IllegalArgumentException("event records not registered: "
              + missing.stream().map(Class::getSimpleName).toList());
        }
      }
      for (Upcaster u : upcasters.values()) {
        String type = u.toType();
        int schema = u.toSchema();
        int steps = 0;
        Upcaster next;
        while ((next = upcasters.get(new Key(type, schema))) != null) {
          type = next.toType();
          schema = next.toSchema();
          if (++steps > upcasters.size()) {
            throw new IllegalArgumentException("upcasters form a loop through " + type + "@" + schema);
          }
        }
        Registration reg = byType.get(type);
        if (reg == null || reg.schema() != schema) {
          throw new IllegalArgumentException("upcaster " + u.fromType() + "@" + u.fromSchema() + " leads to "
              + type + "@" + schema + ", which is not a registered current shape");
        }
      }
      return new JacksonEventCodec<>(this);
    }

    private static void collectRecords(Class<?> type, List<Class<?>> out) {
      for (Class<?> sub : type.getPermittedSubclasses()) {
        if (sub.isSealed()) {
          collectRecords(sub, out);
        } else if (!sub.isInterface()) {
          out.add(sub);
        }
      }
    }
  }
}
