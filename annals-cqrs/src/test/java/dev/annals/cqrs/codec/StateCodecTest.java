package dev.annals.cqrs.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Json;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateCodecTest {

  final JacksonStateCodec<AccountState> codec = Account.stateCodec(1);

  @Test
  void every_case_of_a_sealed_state_round_trips() {
    for (AccountState s : new AccountState[] {
        new AccountState.Unopened(), new AccountState.Active("ada", 10, Map.of("f1", 2L)), new AccountState.Closed("ada")}) {
      assertThat(codec.decode(codec.encode(s))).isEqualTo(s);
    }
  }

  @Test
  void json_that_is_not_a_state_is_refused() {
    assertThatThrownBy(() -> codec.decode(Json.of("{\"case\":\"frozen\",\"value\":{}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frozen");
    assertThatThrownBy(() -> codec.decode(Json.of("[1]"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode(Json.of("{\"case\":\"active\",\"value\":{\"owner\":1}}")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
