package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import dev.annals.server.http.RateLimiter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets per caller: the bucket's arithmetic with a fake clock, and the 429 over HTTP. */
class RateLimitTest {

  @Test
  void a_bucket_allows_its_burst_then_refills_at_its_rate() {
    AtomicLong now = new AtomicLong(0);
    RateLimiter limiter = new RateLimiter(new ServerConfig.RateLimit(2, 3), now::get);

    assertThat(List.of(limiter.take("a"), limiter.take("a"), limiter.take("a"))).containsOnly(0L);
    assertThat(limiter.take("a")).isEqualTo(500_000_000L);
    assertThat(limiter.take("b")).as("another caller has its own bucket").isZero();
    now.addAndGet(500_000_000L);
    assertThat(limiter.take("a")).isZero();
    assertThat(limiter.take("a")).isPositive();
    now.addAndGet(10_000_000_000L);
    assertThat(List.of(limiter.take("a"), limiter.take("a"), limiter.take("a"))).as("never more than the burst")
        .containsOnly(0L);
    assertThat(limiter.take("a")).isPositive();
  }

  @Test
  void a_bad_limit_is_refused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ServerConfig.RateLimit(0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ServerConfig.RateLimit(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void over_the_limit_a_key_gets_429_rate_limited_with_retry_after_and_other_keys_and_health_do_not() throws Exception {
    String a = "k-reader-a-0123456789abc";
    String b = "k-reader-b-0123456789abc";
    ApiKeys keys = ApiKeys.parse(String.join("\n", ApiKeys.line(a, Role.READER, "*", "a"),
        ApiKeys.line(b, Role.READER, "*", "b")), "test");
    // 0.01/s: a spent token is back only after 100 s, so the test does not depend on the machine's speed.
    try (TestServer t = new TestServer(ServerConfig.defaults().withPort(0).withApiKeys(keys)
        .withRateLimit(new ServerConfig.RateLimit(0.01, 2)))) {
      assertThat(t.get("/head", a).status()).isEqualTo(200);
      assertThat(t.get("/head", a).status()).isEqualTo(200);
      TestServer.Reply over = t.get("/head", a);

      assertThat(over.status()).isEqualTo(429);
      assertThat(over.error()).isEqualTo("rate_limited");
      assertThat(over.json().path("retryAfterSeconds").asLong()).isBetween(1L, 100L);
      assertThat(over.raw().headers().firstValue("Retry-After")).hasValueSatisfying(v ->
          assertThat(Long.parseLong(v)).isBetween(1L, 100L));
      assertThat(t.get("/head", b).status()).isEqualTo(200);
      assertThat(t.get("/health").status()).isEqualTo(200);
      assertThat(t.get("/health").status()).isEqualTo(200);
      assertThat(t.get("/health").status()).isEqualTo(200);
    }
  }

  @Test
  void refused_keys_spend_their_addresss_bucket_so_guessing_keys_is_limited_while_a_valid_key_keeps_its_own()
      throws Exception {
    String a = "k-reader-a-0123456789abc";
    ApiKeys keys = ApiKeys.parse(ApiKeys.line(a, Role.READER, "*", "a"), "test");
    try (TestServer t = new TestServer(ServerConfig.defaults().withPort(0).withApiKeys(keys)
        .withRateLimit(new ServerConfig.RateLimit(0.01, 2)))) {
      assertThat(t.get("/head", "k-guess-1").status()).isEqualTo(401);
      assertThat(t.get("/head").status()).as("no key at all").isEqualTo(401);
      TestServer.Reply over = t.get("/head", "k-guess-2");
      assertThat(over.status()).isEqualTo(429);
      assertThat(over.error()).isEqualTo("rate_limited");
      assertThat(over.raw().headers().firstValue("Retry-After")).isPresent();
      assertThat(t.get("/head", a).status()).as("the valid key's bucket is its own").isEqualTo(200);
    }
  }

  @Test
  void without_auth_the_limit_is_per_remote_address_and_off_by_default() throws Exception {
    try (TestServer t = new TestServer(ServerConfig.defaults().withPort(0).withRateLimit(new ServerConfig.RateLimit(0.01, 1)))) {
      assertThat(t.get("/head").status()).isEqualTo(200);
      assertThat(t.get("/head").status()).isEqualTo(429);
    }
    try (TestServer t = new TestServer()) {
      for (int i = 0; i < 20; i++) {
        assertThat(t.get("/head").status()).isEqualTo(200);
      }
    }
  }
}
