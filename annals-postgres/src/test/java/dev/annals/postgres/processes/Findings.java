package dev.annals.postgres.processes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules an audit found broken, each with its first few examples and how often it broke. Not
 * thread-safe.
 */
final class Findings {

  private static final int EXAMPLES = 10;

  private final Map<String, List<String>> examples = new LinkedHashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();

  /** Records that {@code rule} broke, as {@code detail} shows. */
  void add(String rule, String detail) {
    counts.merge(rule, 1, Integer::sum);
    List<String> some = examples.computeIfAbsent(rule, r -> new ArrayList<>());
    if (some.size() < EXAMPLES) {
      some.add(detail);
    }
  }

  void addAll(Findings other) {
    other.counts.forEach((rule, n) -> counts.merge(rule, n, Integer::sum));
    other.examples.forEach((rule, details) -> details.forEach(d -> {
      List<String> some = examples.computeIfAbsent(rule, r -> new ArrayList<>());
      if (some.size() < EXAMPLES) {
        some.add(d);
      }
    }));
  }

  /** The rules that broke. */
  Set<String> rules() {
    return counts.keySet();
  }

  boolean isEmpty() {
    return counts.isEmpty();
  }

  @Override
  public String toString() {
    if (counts.isEmpty()) {
      return "no rule broken";
    }
    StringBuilder b = new StringBuilder();
    counts.forEach((rule, n) -> {
      b.append(rule).append(": broken ").append(n).append(" time(s)\n");
      examples.get(rule).forEach(d -> b.append("    ").append(d).append('\n'));
    });
    return b.toString();
  }
}
