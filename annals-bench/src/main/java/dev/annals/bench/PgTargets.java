package dev.annals.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The targets for one pg row, checked against what the row measured and said in its note:
 * {@code targets: >= 2x baseline (2.31x) met, p99 <= 20 ms (12.1 ms) MISSED}. Immutable; each check
 * returns a new value.
 */
record PgTargets(List<String> said, boolean allMet) {

  static PgTargets none() {
    return new PgTargets(List.of(), true);
  }

  /** The ratio to the baseline is at least {@code target}. */
  PgTargets ratioAtLeast(double ratio, double target) {
    return with(String.format(Locale.ROOT, ">= %sx baseline (%.2fx)", plain(target), ratio), ratio >= target);
  }

  /** The rate is at least {@code target} events per second. */
  PgTargets rateAtLeast(double eventsPerS, double target) {
    return with(String.format(Locale.ROOT, ">= %s events/s (%.0f)", plain(target), eventsPerS), eventsPerS >= target);
  }

  /** The 99th percentile latency is at most {@code millis} ms. */
  PgTargets p99AtMostMs(double p99Us, double millis) {
    return with(String.format(Locale.ROOT, "p99 <= %s ms (%.1f ms)", plain(millis), p99Us / 1000), p99Us <= millis * 1000);
  }

  /** "targets: ... met, ... MISSED". */
  String text() {
    return "targets: " + String.join(", ", said);
  }

  private PgTargets with(String target, boolean met) {
    List<String> next = new ArrayList<>(said);
    next.add(target + (met ? " met" : " MISSED"));
    return new PgTargets(List.copyOf(next), allMet && met);
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? String.format(Locale.ROOT, "%,d", (long) d) : String.format(Locale.ROOT, "%s", d);
  }
}
