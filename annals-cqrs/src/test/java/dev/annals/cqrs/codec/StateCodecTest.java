package dev.annals.cqrs.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.Json;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

  record Balance(BigDecimal total, double rate) {}

  final JacksonStateCodec<Balance> balances = JacksonStateCodec.of("balance", 1, Balance.class);

  /** A snapshot holds a decimal exactly: every digit and the scale (10.50 stays 10.50, not 10.5). */
  @Test
  void a_decimal_state_round_trips_with_every_digit_and_its_scale() {
    for (String amount : List.of("12345678901234567.89", "10.50", "0.000", "-1E+3")) {
      Balance decoded = balances.decode(balances.encode(new Balance(new BigDecimal(amount), 0.1)));
      assertThat(decoded.total()).as(amount).isEqualTo(new BigDecimal(amount));
      assertThat(decoded.rate()).isEqualTo(0.1);
    }
  }

  /** Any decimal and any double survive a snapshot unchanged (BigDecimal equals: scale included). */
  @Property(tries = 300)
  void any_decimal_and_double_round_trip(@ForAll("decimals") BigDecimal total, @ForAll double rate) {
    Balance b = new Balance(total, rate);
    assertThat(balances.decode(balances.encode(b))).isEqualTo(b);
  }

  @Provide
  static Arbitrary<BigDecimal> decimals() {
    return Combinators.combine(
            Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
            Arbitraries.integers().between(-20, 40))
        .as(BigDecimal::new);
  }
}
