package dev.annals.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

  private static byte[] quoted(String hex) {
    byte[] bad = HexFormat.ofDelimiter(" ").parseHex(hex);
    byte[] b = new byte[bad.length + 2];
    b[0] = '"';
    System.arraycopy(bad, 0, b, 1, bad.length);
    b[b.length - 1] = '"';
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"c0 af", "c1 bf", "e0 80 af", "f0 80 80 af", "f4 90 80 80", "ed a0 80", "ed bf bf", "ff",
      "80", "e2 82", "f8 88 80 80 80"})
  void json_of_bytes_rejects_ill_formed_utf8_naming_the_offset(String hex) {
    assertThat(Utf8.firstInvalid(quoted(hex))).isEqualTo(1);
    assertThatThrownBy(() -> Json.of(quoted(hex)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid UTF-8").hasMessageContaining("offset 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"c2 80", "df bf", "e0 a0 80", "ef bf bf", "f0 90 80 80", "f4 8f bf bf", "ee 80 80"})
  void well_formed_sequences_pass(String hex) {
    assertThat(Utf8.firstInvalid(quoted(hex))).isEqualTo(-1);
    assertThat(Json.of(quoted(hex)).unsafeBytes()).isEqualTo(quoted(hex));
  }

  @Test
  void a_long_value_is_checked_past_the_decoding_buffer() {
    String ok = "\"" + "é€😀".repeat(10_000) + "\"";
    byte[] good = ok.getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.firstInvalid(good)).isEqualTo(-1);
    byte[] bad = good.clone();
    bad[good.length - 5] = (byte) 0xc0; // the lead byte of the last emoji
    assertThat(Utf8.firstInvalid(bad)).isEqualTo(good.length - 5);
  }
}
