package dev.annals.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** {@link Json#toNode()}: decimals exact, and numbers past a BigDecimal's range still read (as doubles). */
class JsonTest {

  @Test
  void a_tree_keeps_every_digit_and_the_scale_of_a_decimal() {
    var node = Json.of("{\"a\":12345678901234567.89,\"b\":10.50}").toNode();
    assertThat(node.get("a").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.89"));
    assertThat(node.get("b").decimalValue()).isEqualTo(new BigDecimal("10.50"));
  }

  /**
   * An exponent no BigDecimal can hold is valid JSON: it reads as a double (Infinity), as before trees
   * kept decimals; it used to escape as a NumberFormatException, a 500 for such metadata.
   */
  @Test
  void a_number_past_the_range_of_a_big_decimal_reads_as_a_double() {
    var node = Json.of("{\"x\":1e999999999999,\"y\":1.5}").toNode();
    assertThat(node.get("x").doubleValue()).isInfinite();
    assertThat(Json.of("{\"actor\":\"a\"}").with("x", node.get("x")).toNode().get("actor").asText()).isEqualTo("a");
  }

  @Test
  void metadata_with_such_a_number_is_appended() {
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{}").withMetadata(Json.of("{\"actor\":\"a\",\"x\":1e999999999999}")));
      assertThat(store.streamVersion("s-1")).isEqualTo(1);
    }
  }
}
