package dev.annals.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which Content-Type values count as JSON (the rest of the rule is exercised over HTTP in BrowserGuardTest). */
class JsonMediaTypeTest {

  @Test
  void a_json_suffix_without_a_subtype_name_is_not_json() {
    assertThat(Exchange.isJsonMediaType("application/+json")).isFalse();
  }
}
