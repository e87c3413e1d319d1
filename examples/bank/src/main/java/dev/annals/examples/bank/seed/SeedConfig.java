package dev.annals.examples.bank.seed;

import java.time.LocalDate;

/**
 * What history to generate.
 *
 * @param seed the same seed gives the same events, byte for byte, on every JVM
 * @param accounts how many accounts (at least 10)
 * @param firstDay first day of the history (UTC); at most 2026-03-01 so the demo's March facts exist
 * @param lastDay last day (UTC); at least 2026-04-30
 * @param activitiesPerDay customer activities per day (deposits, withdrawals, transfers, orders, fees)
 */
public record SeedConfig(long seed, int accounts, LocalDate firstDay, LocalDate lastDay, int activitiesPerDay) {

  public SeedConfig {
    if (accounts < 10) {
      throw new IllegalArgumentException("at least 10 accounts, was " + accounts);
    }
    if (firstDay.isAfter(LocalDate.of(2026, 3, 1)) || lastDay.isBefore(LocalDate.of(2026, 4, 30))) {
      throw new IllegalArgumentException("the history must span 2026-03-01 .. 2026-04-30 (the demo's facts)");
    }
    if (activitiesPerDay < 1) {
      throw new IllegalArgumentException("at least one activity per day");
    }
  }

  /** The demo's history: 300 accounts, 2026-01-01 .. 2026-06-30, about 70,000 events. */
  public static SeedConfig defaults() {
    return new SeedConfig(20260315L, 300, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 6, 30), 120);
  }

  /** A smaller history (same span, fewer accounts and activities) for fast tests. */
  public static SeedConfig small(long seed) {
    return new SeedConfig(seed, 40, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 6, 30), 25);
  }
}
