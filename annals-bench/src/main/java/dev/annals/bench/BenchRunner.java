package dev.annals.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Runs the workloads, prints a table and one JSON line per result (docs/architecture.md, Benchmarks). */
public final class BenchRunner {

  private final PrintStream out;
  private final boolean quick;
  private final List<String> only;
  /** Where to put the stores; null for a temporary directory. */
  private final @Nullable Path dir;

  public BenchRunner(PrintStream out, boolean quick, List<String> only, @Nullable Path dir) {
    this.out = out;
    this.quick = quick;
    this.only = only;
    this.dir = dir;
  }

  /** Runs every selected workload; false if any failed. */
  public boolean runAll() throws IOException {
    Path scratch = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("annals-bench-");
    List<Workload> selected = Workloads.all().stream()
        .filter(w -> only.isEmpty() || only.contains(w.name()))
        .toList();
    if (selected.isEmpty()) {
      out.println("no workload matches " + only + "; known: "
          + Workloads.all().stream().map(Workload::name).toList());
      return false;
    }
    List<BenchResult> results = new ArrayList<>();
    boolean ok = true;
    int i = 0;
    try (BenchPostgres postgres = BenchPostgres.startedOnDemand(); BenchKafka kafka = BenchKafka.startedOnDemand()) {
      for (Workload w : selected) {
        i++;
        out.printf(Locale.ROOT, "[%d/%d] %s%s%n", i, selected.size(), w.name(), quick ? " (quick)" : "");
        try {
          List<BenchResult> rows = w.run(new BenchEnv(quick, scratch, out, postgres, kafka));
          results.addAll(rows);
          rows.forEach(r -> out.println("  " + row(r)));
        } catch (Exception e) {
          ok = false;
          out.println("  FAILED: " + e);
          e.printStackTrace(out);
        }
      }
    } finally {
      if (dir == null) {
        deleteTree(scratch);
      }
    }
    out.println();
    out.println(header());
    results.forEach(r -> out.println(row(r)));
    out.println();
    results.forEach(r -> out.println(r.toJson()));
    return ok;
  }

  static String header() {
    return String.format(Locale.ROOT, "%-28s %-26s %14s %10s %10s %-24s %14s %7s  %s",
        "workload", "store", "events/s", "p50 us", "p99 us", "baseline", "baseline ev/s", "ratio", "note");
  }

  static String row(BenchResult r) {
    if (r.isSkipped()) {
      return String.format(Locale.ROOT, "%-28s %-26s %s", r.workload(), r.store(), r.note());
    }
    return String.format(Locale.ROOT, "%-28s %-26s %14.0f %10.1f %10.1f %-24s %14.0f %7.3f  %s",
        r.workload(), r.store(), r.eventsPerS(), r.p50Us(), r.p99Us(), r.baseline(), r.baselineEventsPerS(),
        r.ratio(), r.note());
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
