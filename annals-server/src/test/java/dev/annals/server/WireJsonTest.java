package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.server.http.WireJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Instants on the wire: ISO-8601 UTC with microseconds, nanoseconds only when present. */
class WireJsonTest {

  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void an_instant_with_whole_microseconds_is_written_with_six_digits() {
    assertThat(WireJson.instant(Instant.parse("2026-03-15T14:47:00Z"))).isEqualTo("2026-03-15T14:47:00.000000Z");
    assertThat(WireJson.instant(Instant.parse("2026-03-05T04:07:09.000120Z"))).isEqualTo("2026-03-05T04:07:09.000120Z");
    assertThat(WireJson.instant(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000000Z");
  }

  @Test
  void an_instant_with_nanoseconds_keeps_all_nine_digits() {
    assertThat(WireJson.instant(Instant.parse("2026-03-15T14:47:00.123456789Z"))).isEqualTo("2026-03-15T14:47:00.123456789Z");
  }

  @Test
  void any_instant_is_written_as_the_iso_formatter_writes_it() {
    SplittableRandom rnd = new SplittableRandom(42);
    long min = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      long seconds = i % 2 == 0 ? rnd.nextLong(min, max) : rnd.nextLong(0, 4_102_444_800L);
      int nanos = i % 3 == 0 ? rnd.nextInt(1_000_000_000) : rnd.nextInt(1_000_000) * 1000;
      Instant at = Instant.ofEpochSecond(seconds, nanos);
      String expected = (nanos % 1000 == 0 ? MICROS : NANOS).format(at);
      assertThat(WireJson.instant(at)).as("%s", at).isEqualTo(expected);
    }
  }
}
