package dev.annals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.InMemoryEventStore;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.auth.Role;
import dev.annals.server.verify.ScanVerifier;
import org.junit.jupiter.api.Test;

class BindingTest {

  @Test
  void without_an_auth_file_a_non_loopback_address_is_refused() {
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      assertThatThrownBy(() -> new AnnalsServer(store, ServerConfig.defaults().withHost("0.0.0.0").withPort(0),
          new ScanVerifier(store, true)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("without an auth file").hasMessageContaining("--insecure");
    }
  }

  @Test
  void insecure_or_an_auth_file_allows_any_address() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      AnnalsServer insecure = new AnnalsServer(store,
          ServerConfig.defaults().withHost("0.0.0.0").withPort(0).withInsecure(true), new ScanVerifier(store, true));
      insecure.start();
      assertThat(insecure.port()).isPositive();
      insecure.stop();
      ApiKeys keys = ApiKeys.parse(ApiKeys.line("k", Role.ADMIN, "*", "ops"), "test");
      AnnalsServer withAuth = new AnnalsServer(store,
          ServerConfig.defaults().withHost("0.0.0.0").withPort(0).withApiKeys(keys), new ScanVerifier(store, true));
      withAuth.start();
      assertThat(withAuth.port()).isPositive();
      withAuth.stop();
    }
  }

  @Test
  void loopback_without_auth_is_allowed() throws Exception {
    try (InMemoryEventStore store = new InMemoryEventStore()) {
      AnnalsServer s = new AnnalsServer(store, ServerConfig.defaults().withHost("localhost").withPort(0),
          new ScanVerifier(store, true)).start();
      assertThat(s.uri().toString()).startsWith("http://localhost:");
      s.stop();
    }
  }
}
