package dev.annals.bench;

/**
 * One printed row of {@code ./annals bench} (docs/architecture.md, Benchmarks).
 *
 * @param store the engine measured, e.g. {@code log(fsync=always)}
 * @param baseline what the same run measured as the yardstick, e.g. {@code raw-filechannel}
 * @param note sizes and anything that makes this row differ from the full workload (e.g. quick mode)
 */
public record BenchResult(
    String workload,
    String store,
    double eventsPerS,
    double p50Us,
    double p99Us,
    String baseline,
    double baselineEventsPerS,
    String note) {

  private static final String SKIPPED = "skipped: ";

  /** A row that could not run here: no figures, {@code why} in the note after "skipped: ". */
  public static BenchResult skipped(String workload, String store, String why) {
    return new BenchResult(workload, store, Double.NaN, Double.NaN, Double.NaN, "", Double.NaN, SKIPPED + why);
  }

  /** Whether this row is {@link #skipped}. */
  public boolean isSkipped() {
    return Double.isNaN(eventsPerS) && note.startsWith(SKIPPED);
  }

  /** events_per_s / baseline_events_per_s; NaN without a baseline. */
  public double ratio() {
    return baselineEventsPerS > 0 ? eventsPerS / baselineEventsPerS : Double.NaN;
  }

  /** The JSON line of docs/architecture.md, Benchmarks (plus {@code note}). */
  public String toJson() {
    return "{\"workload\":" + q(workload) + ",\"store\":" + q(store)
        + ",\"events_per_s\":" + num(eventsPerS) + ",\"p50_us\":" + num(p50Us) + ",\"p99_us\":" + num(p99Us)
        + ",\"baseline\":" + q(baseline) + ",\"baseline_events_per_s\":" + num(baselineEventsPerS)
        + ",\"ratio\":" + num(ratio()) + ",\"note\":" + q(note) + "}";
  }

  private static String num(double d) {
    return Double.isNaN(d) ? "null" : String.format(java.util.Locale.ROOT, "%.3f", d);
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
