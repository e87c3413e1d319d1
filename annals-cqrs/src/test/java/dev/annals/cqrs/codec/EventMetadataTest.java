package dev.annals.cqrs.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.Json;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The byte scanner behind schemaOf reads exactly what a JSON parser reads. */
class EventMetadataTest {

  @Test
  void only_a_top_level_schema_key_counts() {
    assertThat(EventMetadata.schemaOf(Json.of("{\"a\":{\"schema\":7},\"schema\" :  3 }"))).isEqualTo(3);
    assertThat(EventMetadata.schemaOf(Json.of("{\"note\":\"\\\"schema\\\":5\"}"))).isEqualTo(1);
    assertThat(EventMetadata.schemaOf(Json.of("{\"list\":[{\"schema\":2}]}"))).isEqualTo(1);
    assertThat(EventMetadata.schemaOf(Json.of("{\"schemas\":2,\"xschema\":4}"))).isEqualTo(1);
  }

  @Test
  void a_schema_that_is_not_a_positive_integer_is_refused() {
    for (String bad : List.of("0", "-1", "1.5", "\"2\"", "null", "2e3", "99999999999")) {
      assertThatThrownBy(() -> EventMetadata.schemaOf(Json.of("{\"schema\":" + bad + "}")))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive integer");
    }
  }

  /** Blanks are allowed around every token, as any JSON writer may put them (Python's json.dumps does). */
  @Test
  void blanks_around_the_colon_and_the_value_are_read() {
    for (String m : List.of("{\"schema\": 2}", "{ \"schema\" : 2 , \"x\":1}", "{\"schema\":\t2}",
        "{\n\"schema\":\r\n2\n}", "{\"x\": 1, \"schema\":  2}")) {
      assertThat(EventMetadata.schemaOf(Json.of(m))).as(m).isEqualTo(2);
    }
  }

  /** A key spelled with escapes is the key it spells, and the last of repeated keys counts, as for a parser. */
  @Test
  void escaped_and_repeated_keys_read_as_a_parser_reads_them() {
    assertThat(EventMetadata.schemaOf(Json.of("{\"sch\\u0065ma\":2}"))).isEqualTo(2);
    assertThat(EventMetadata.schemaOf(Json.of("{\"schema\":1,\"sch\\u0065ma\":3}"))).isEqualTo(3);
    assertThat(EventMetadata.schemaOf(Json.of("{\"schema\":1,\"schema\":2}"))).isEqualTo(2);
    assertThat(EventMetadata.schemaOf(Json.of("{\"reason\":\"a \\\"quote\\\"\",\"schema\":4}"))).isEqualTo(4);
    assertThatThrownBy(() -> EventMetadata.schemaOf(Json.of("{\"sch\\u0065ma\":\"2\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive integer");
  }

  /** A JSON value before rendering: a number or literal as its text, a string, an array or an object. */
  sealed interface Value {
    record Raw(String text) implements Value {}

    record Text(String text) implements Value {}

    record Elements(List<Value> items) implements Value {}

    record Members(List<Map.Entry<String, Value>> fields) implements Value {}
  }

  @Provide
  Arbitrary<String> metadata() {
    Arbitrary<String> keys = Arbitraries.of("schema", "schemas", "xschema", "sche\"ma", "a\\", "revokes", "actor", "");
    Arbitrary<Value> leaves = Arbitraries.oneOf(
        Arbitraries.integers().between(1, 50).map(i -> (Value) new Value.Raw(Integer.toString(i))),
        Arbitraries.of("0", "-1", "1.5", "2e3", "1.0", "99999999999", "2147483647", "2147483648", "true", "null")
            .map(Value.Raw::new),
        Arbitraries.of("schema", "\"schema\":3", "}{", "\\", ",", "\u00e9").map(Value.Text::new),
        Arbitraries.create(() -> new Value.Elements(List.of(new Value.Text(UUID.randomUUID().toString())))));
    Arbitrary<Value> inner = objects(keys, leaves, 3);
    Arbitrary<Value> top = objects(keys, Arbitraries.oneOf(leaves, inner), 5);
    return Combinators.combine(top, Arbitraries.randoms(), Arbitraries.of(Style.values()))
        .as((value, random, style) -> render(value, random, style));
  }

  static Arbitrary<Value> objects(Arbitrary<String> keys, Arbitrary<Value> values, int maxSize) {
    return Combinators.combine(keys, values).as(Map::entry).list().ofMaxSize(maxSize) // repeated keys allowed
        .map(fields -> new Value.Members(List.copyOf(fields)));
  }

  /** Compact as this module writes it, with blanks between tokens, or with blanks and escapes in strings. */
  enum Style { COMPACT, BLANKS, BLANKS_AND_ESCAPES }

  static String render(Value v, Random random, Style style) {
    StringBuilder out = blank(random, style, new StringBuilder());
    render(v, random, style, out);
    return blank(random, style, out).toString();
  }

  static void render(Value v, Random random, Style style, StringBuilder out) {
    switch (v) {
      case Value.Raw r -> out.append(r.text());
      case Value.Text t -> string(t.text(), random, style, out);
      case Value.Elements a -> {
        out.append('[');
        for (int i = 0; i < a.items().size(); i++) {
          blank(random, style, out.append(i == 0 ? "" : ","));
          render(a.items().get(i), random, style, out);
          blank(random, style, out);
        }
        out.append(']');
      }
      case Value.Members o -> {
        blank(random, style, out.append('{'));
        for (int i = 0; i < o.fields().size(); i++) {
          blank(random, style, out.append(i == 0 ? "" : ","));
          string(o.fields().get(i).getKey(), random, style, out);
          blank(random, style, blank(random, style, out).append(':'));
          render(o.fields().get(i).getValue(), random, style, out);
          blank(random, style, out);
        }
        out.append('}');
      }
    }
  }

  static StringBuilder blank(Random random, Style style, StringBuilder out) {
    if (style != Style.COMPACT) {
      for (int n = random.nextInt(3); n > 0; n--) {
        out.append(" \t\n\r".charAt(random.nextInt(4)));
      }
    }
    return out;
  }

  static void string(String s, Random random, Style style, StringBuilder out) {
    out.append('"');
    for (char c : s.toCharArray()) {
      if (style == Style.BLANKS_AND_ESCAPES && random.nextInt(4) == 0) {
        out.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  @Property(tries = 1000)
  void scan_agrees_with_a_parser(@ForAll("metadata") String text) {
    JsonNode tree = Json.of(text).toNode();
    JsonNode schema = tree.get("schema");
    if (schema == null) {
      assertThat(EventMetadata.schemaOf(Json.of(text))).isEqualTo(1);
    } else if (schema.isInt() && schema.asInt() >= 1) {
      assertThat(EventMetadata.schemaOf(Json.of(text))).isEqualTo(schema.asInt());
    } else {
      assertThatThrownBy(() -> EventMetadata.schemaOf(Json.of(text))).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
