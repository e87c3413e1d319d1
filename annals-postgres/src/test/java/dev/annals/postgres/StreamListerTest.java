package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The upper bound of a name prefix in code point order (what bounds a listing's range scan). */
class StreamListerTest {

  @Test
  void the_successor_of_a_prefix_increments_its_last_code_point() {
    assertThat(StreamLister.successor("acc")).contains("acd");
    assertThat(StreamLister.successor("a-")).contains("a.");
    assertThat(StreamLister.successor("$")).contains("%");
  }

  @Test
  void the_successor_skips_the_surrogate_range_and_drops_trailing_maximal_code_points() {
    assertThat(StreamLister.successor("a\uD7FF")).contains("a\uE000");
    String max = new String(Character.toChars(Character.MAX_CODE_POINT));
    assertThat(StreamLister.successor("a" + max + max)).contains("b");
    assertThat(StreamLister.successor("x\uD83D\uDE00")).contains("x\uD83D\uDE01"); // U+1F600 -> U+1F601
  }

  @Test
  void nothing_bounds_the_empty_prefix_or_one_of_only_maximal_code_points() {
    assertThat(StreamLister.successor("")).isEqualTo(Optional.empty());
    assertThat(StreamLister.successor(new String(Character.toChars(Character.MAX_CODE_POINT)))).isEmpty();
  }
}
