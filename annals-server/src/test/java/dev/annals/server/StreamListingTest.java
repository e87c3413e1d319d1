package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /streams}: the listing the console's stream page pages through. */
class StreamListingTest {

  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer();
    for (String s : List.of("order-2", "account-3", "account-1", "account-2", "transfer-1")) {
      t.store.append(s, ExpectedVersion.ANY, EventData.of("T", "{}"));
    }
    t.store.append("account-1", ExpectedVersion.ANY, EventData.of("T", "{}"));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  private static List<String> names(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.path("streams").forEach(s -> out.add(s.path("stream").asText()));
    return out;
  }

  @Test
  void lists_every_stream_in_name_order_with_version_last_position_and_time() {
    TestServer.Reply r = t.get("/streams");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(names(r.json())).containsExactly("account-1", "account-2", "account-3", "order-2", "transfer-1");
    JsonNode first = r.json().path("streams").get(0);
    assertThat(first.path("version").asLong()).isEqualTo(2);
    assertThat(first.path("lastPosition").asLong()).isEqualTo(6);
    assertThat(first.path("lastRecordedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(r.json().path("next").isNull()).isTrue();
  }

  @Test
  void pages_with_after_and_next_until_next_is_null() {
    List<String> seen = new ArrayList<>();
    String query = "/streams?limit=2";
    while (true) {
      JsonNode body = t.get(query).json();
      seen.addAll(names(body));
      if (body.path("next").isNull()) {
        break;
      }
      query = "/streams?limit=2&after=" + body.path("next").asText();
    }
    assertThat(seen).containsExactly("account-1", "account-2", "account-3", "order-2", "transfer-1");
  }

  @Test
  void the_largest_allowed_limit_is_answered_and_a_full_page_says_whether_a_stream_follows() {
    TestServer.Reply largest = t.get("/streams?limit=10000");
    assertThat(largest.status()).as(largest.toString()).isEqualTo(200);
    assertThat(names(largest.json())).hasSize(5);
    JsonNode exactlyAll = t.get("/streams?limit=5").json();
    assertThat(names(exactlyAll)).hasSize(5);
    assertThat(exactlyAll.path("next").isNull()).isTrue();
    assertThat(t.get("/streams?limit=4").json().path("next").asText()).isEqualTo("order-2");
  }

  @Test
  void filters_by_prefix_and_category_and_empty_parameters_mean_no_condition() {
    assertThat(names(t.get("/streams?prefix=account-&category=&after=").json()))
        .containsExactly("account-1", "account-2", "account-3");
    assertThat(names(t.get("/streams?category=order").json())).containsExactly("order-2");
    assertThat(names(t.get("/streams?prefix=nothing-").json())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/streams?limit=0", "/streams?limit=x", "/streams?limit=100000000", "/streams?colour=red",
      "/streams?prefix=a&prefix=b"})
  void bad_parameters_are_400_json(String query) {
    TestServer.Reply r = t.get(query);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_request");
  }
}
