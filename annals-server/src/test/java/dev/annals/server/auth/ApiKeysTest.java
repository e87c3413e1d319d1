package dev.annals.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void a_key_authenticates_to_its_role_and_prefixes_and_other_keys_do_not() {
    ApiKeys keys = ApiKeys.parse("""
        # comment

        %s
        %s
        """.formatted(ApiKeys.line("secret-a", Role.WRITER, "account-,order-", "billing service"),
        ApiKeys.line("secret-b", Role.READER, "*", "dash")), "auth");
    assertThat(keys.size()).isEqualTo(2);
    Principal a = keys.authenticate("secret-a").orElseThrow();
    assertThat(a.role()).isEqualTo(Role.WRITER);
    assertThat(a.prefixes()).containsExactly("account-", "order-");
    assertThat(a.name()).isEqualTo("billing service");
    assertThat(a.covers("order-9")).isTrue();
    assertThat(a.covers("ledger-1")).isFalse();
    Principal b = keys.authenticate("secret-b").orElseThrow();
    assertThat(b.coversAllStreams()).isTrue();
    assertThat(b.covers("$system")).isFalse();
    assertThat(keys.authenticate("secret-c")).isEmpty();
    assertThat(keys.authenticate("")).isEmpty();
  }

  @Test
  void the_file_holds_hashes_never_the_keys() {
    String line = ApiKeys.line("my-secret-key", Role.ADMIN, "*", "ops");
    assertThat(line).doesNotContain("my-secret-key").matches("[0-9a-f]{64} admin \\* ops");
  }

  @Test
  void mistakes_in_the_file_name_the_line() {
    for (String bad : List.of("abc reader *", "zz".repeat(32) + " reader *", "0".repeat(64) + " owner *",
        "0".repeat(64) + " reader")) {
      assertThatThrownBy(() -> ApiKeys.parse("# ok\n" + bad, "auth.keys"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth.keys line 2");
    }
    assertThatThrownBy(() -> ApiKeys.parse("# nothing\n", "auth.keys")).hasMessageContaining("no keys");
  }

  @Test
  void two_keys_with_one_name_are_refused_because_the_name_is_their_actor_and_rate_limit_bucket() {
    String file = String.join("\n", ApiKeys.line("key-1", Role.WRITER, "*", "billing"), "",
        ApiKeys.line("key-2", Role.READER, "*", "billing"));
    assertThatThrownBy(() -> ApiKeys.parse(file, "auth.keys")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auth.keys line 3: the name 'billing' is already used on line 1");
  }

  @Test
  void one_key_listed_twice_is_refused() {
    String file = String.join("\n", ApiKeys.line("key-1", Role.WRITER, "*", "billing"),
        ApiKeys.line("key-1", Role.ADMIN, "*", "ops"));
    assertThatThrownBy(() -> ApiKeys.parse(file, "auth.keys")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auth.keys line 2: the same key is already listed on line 1");
  }

  @Test
  void unnamed_keys_get_distinct_names_from_their_lines() {
    String hashOnly1 = ApiKeys.line("key-1", Role.READER, "*", "x").split(" ")[0];
    String hashOnly2 = ApiKeys.line("key-2", Role.READER, "*", "x").split(" ")[0];
    ApiKeys keys = ApiKeys.parse(hashOnly1 + " reader *\n" + hashOnly2 + " reader *", "auth.keys");
    assertThat(keys.authenticate("key-1").orElseThrow().name()).isEqualTo("key on line 1");
    assertThat(keys.authenticate("key-2").orElseThrow().name()).isEqualTo("key on line 2");
  }
}
