package dev.annals.cqrs.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Json;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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

  @Provide
  Arbitrary<String> metadata() {
    Arbitrary<String> keys = Arbitraries.of("schema", "revokes", "actor", "x", "sche\\\"ma", "a\\\\");
    Arbitrary<JsonNode> leaves = Arbitraries.oneOf(
        Arbitraries.integers().between(1, 50).map(i -> (JsonNode) JsonNodeFactory.instance.numberNode(i)),
        Arbitraries.of("schema", "\"schema\":3", "}{", "\\").map(s -> (JsonNode) JsonNodeFactory.instance.textNode(s)),
        Arbitraries.create(() -> (JsonNode) JsonNodeFactory.instance.arrayNode().add(UUID.randomUUID().toString())));
    Arbitrary<JsonNode> inner = Arbitraries.maps(keys, leaves).ofMaxSize(3).map(m -> {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      m.forEach(o::set);
      return o;
    });
    return Arbitraries.maps(keys, Arbitraries.oneOf(leaves, inner)).ofMaxSize(5).map(m -> {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      m.forEach(o::set);
      return o.toPrettyString();
    });
  }

  @Property(tries = 300)
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
