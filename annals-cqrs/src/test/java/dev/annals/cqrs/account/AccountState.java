package dev.annals.cqrs.account;

import java.util.Map;
import java.util.TreeMap;

/** State of the example account domain. */
public sealed interface AccountState {

  record Unopened() implements AccountState {}

  /**
   * @param credits deposits minus withdrawals
   * @param fees fee id to amount: fees are keyed so that a correction re-stating a fee, or a waiver,
   *     means the same in every view (see docs/time.md)
   */
  record Active(String owner, long credits, Map<String, Long> fees) implements AccountState {
    public Active {
      fees = Map.copyOf(fees);
    }

    public long balance() {
      return credits - fees.values().stream().mapToLong(Long::longValue).sum();
    }

    Active withCredits(long newCredits) {
      return new Active(owner, newCredits, fees);
    }

    Active withFee(String feeId, long amount) {
      Map<String, Long> f = new TreeMap<>(fees);
      f.put(feeId, amount);
      return new Active(owner, credits, f);
    }

    Active withoutFee(String feeId) {
      Map<String, Long> f = new TreeMap<>(fees);
      f.remove(feeId);
      return new Active(owner, credits, f);
    }
  }

  record Closed(String owner) implements AccountState {}
}
