package dev.annals.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.annals.server.http.HttpError;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The browser guard's rules one by one: Host names, loopback addresses, and which requests pass. */
class BrowserGuardRulesTest {

  @Test
  void the_parts_of_the_rules() {
    assertThat(BrowserGuard.hostName("[::1]:7070")).isEqualTo("::1");
    assertThat(BrowserGuard.hostName("LocalHost:7070")).isEqualTo("localhost");
    assertThat(BrowserGuard.hostName("example.com.")).isEqualTo("example.com");
    assertThat(BrowserGuard.isLoopbackIpv4("127.0.0.1")).isTrue();
    assertThat(BrowserGuard.isLoopbackIpv4("127.255.255.254")).isTrue();
    for (String not : new String[] {"127.0.0.256", "127.0.0", "127.00.0.1", "128.0.0.1", "127.0.0.1.", "127..0.1", "127.0.0.+1"}) {
      assertThat(BrowserGuard.isLoopbackIpv4(not)).as(not).isFalse();
    }
    BrowserGuard bound = new BrowserGuard(true, "[::ffff:127.0.0.1]", false);
    assertThatCode(() -> bound.check("GET", Optional.of("[::ffff:127.0.0.1]:1"), Optional.empty(), Optional.empty()))
        .doesNotThrowAnyException();
    BrowserGuard tls = new BrowserGuard(false, "0.0.0.0", true);
    assertThatCode(() -> tls.check("POST", Optional.of("annals.example"), Optional.of("https://annals.example"),
        Optional.empty())).doesNotThrowAnyException();
    assertThat(refusal(() -> tls.check("POST", Optional.of("annals.example"), Optional.of("http://annals.example"),
        Optional.empty())).status()).isEqualTo(403);
    BrowserGuard named = new BrowserGuard(true, "annals-box", false);
    assertThatCode(() -> named.check("GET", Optional.of("annals-box:7070"), Optional.empty(), Optional.empty()))
        .doesNotThrowAnyException();
    assertThat(refusal(() -> named.check("GET", Optional.of("other-box:7070"), Optional.empty(), Optional.empty()))
        .status()).isEqualTo(403);
    // HTTP/1.0 without Host: a program, not a browser
    assertThatCode(() -> named.check("POST", Optional.empty(), Optional.empty(), Optional.empty())).doesNotThrowAnyException();
    assertThat(refusal(() -> named.check("POST", Optional.empty(), Optional.of("http://evil.example"), Optional.empty()))
        .status()).isEqualTo(403);
    assertThatCode(() -> named.check("OPTIONS", Optional.of("localhost"), Optional.of("http://evil.example"),
        Optional.of("cross-site"))).doesNotThrowAnyException();
  }

  private static HttpError refusal(Runnable check) {
    try {
      check.run();
    } catch (HttpError e) {
      return e;
    }
    throw new AssertionError("not refused");
  }
}
