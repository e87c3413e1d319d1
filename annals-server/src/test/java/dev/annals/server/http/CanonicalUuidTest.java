package dev.annals.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link RequestBodies#isCanonicalUuid} agrees with the regular expression it replaced, on near misses too. */
class CanonicalUuidTest {

  private static final Pattern ORACLE =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  @Property(tries = 3000)
  void agrees_with_the_regex(@ForAll("nearUuids") String text) {
    assertThat(RequestBodies.isCanonicalUuid(text)).as(text).isEqualTo(ORACLE.matcher(text).matches());
  }

  @Property(tries = 500)
  void every_uuid_in_either_case_is_canonical(@ForAll("uuids") UUID id) {
    assertThat(RequestBodies.isCanonicalUuid(id.toString())).isTrue();
    assertThat(RequestBodies.isCanonicalUuid(id.toString().toUpperCase(java.util.Locale.ROOT))).isTrue();
  }

  @Provide
  Arbitrary<UUID> uuids() {
    return Arbitraries.create(UUID::randomUUID);
  }

  /** A UUID's text with one or two characters replaced, inserted or removed (from a set that mixes hex, '-' and others). */
  @Provide
  Arbitrary<String> nearUuids() {
    Arbitrary<Character> c = Arbitraries.of('0', '9', 'a', 'f', 'A', 'F', 'g', 'G', '-', '+', ' ', 'x', '/', ':', '@', '`', '\u0660');
    Arbitrary<Integer> at = Arbitraries.integers().between(0, 36);
    return Arbitraries.create(UUID::randomUUID).map(UUID::toString)
        .flatMap(s -> Arbitraries.oneOf(
            Arbitraries.just(s),
            at.flatMap(i -> c.map(ch -> i < s.length() ? s.substring(0, i) + ch + s.substring(i + 1) : s)),
            at.flatMap(i -> c.map(ch -> s.substring(0, i) + ch + s.substring(i))),
            at.map(i -> i < s.length() ? s.substring(0, i) + s.substring(i + 1) : s)));
  }
}
