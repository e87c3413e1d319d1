package dev.annals.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ServerModule#select}: modules run by name only, an unknown name is a precise error. */
class ServerModuleTest {

  record Named(String name) implements ServerModule {
    @Override
    public Map<String, StateView> stateViews() {
      return Map.of();
    }
  }

  static final ServerModule BANK = new Named("bank");
  static final ServerModule SHOP = new Named("shop");

  @Test
  void no_names_select_no_module() {
    assertThat(ServerModule.select(List.of(BANK, SHOP), List.of())).isEmpty();
  }

  @Test
  void names_select_their_modules_in_the_order_named_once_each() {
    assertThat(ServerModule.select(List.of(BANK, SHOP), List.of("shop", "bank", " shop"))).containsExactly(SHOP, BANK);
  }

  @Test
  void an_unknown_name_is_refused_with_the_installed_ones() {
    assertThatThrownBy(() -> ServerModule.select(List.of(BANK, SHOP), List.of("bank", "banks")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("no module named 'banks'; installed: bank, shop");
    assertThatThrownBy(() -> ServerModule.select(List.of(), List.of("bank")))
        .hasMessage("no module named 'bank'; installed: none");
  }

  @Test
  void two_installed_modules_with_one_name_are_refused() {
    assertThatThrownBy(() -> ServerModule.select(List.of(BANK, new Named("bank")), List.of("shop")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two installed modules are named 'bank'");
  }
}
