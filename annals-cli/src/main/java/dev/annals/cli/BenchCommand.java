package dev.annals.cli;

import dev.annals.bench.BenchRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.jspecify.annotations.Nullable;

/** {@code annals bench}: every workload beside its baseline, as a table and JSON lines. */
@Command(name = "bench", description = "Run the benchmarks: each workload beside its baseline, with the ratio.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--quick", description = "Smaller sizes, a few minutes in all (said in each row).")
  boolean quick;

  @Option(names = "--only", split = ",", description = "Run only these workloads (comma-separated names).")
  List<String> only = List.of();

  @Option(names = "--dir", description = "Scratch directory for data (default: a temp dir).")
  @Nullable Path dir;

  @Override
  public Integer call() throws Exception {
    return new BenchRunner(System.out, quick, only, dir).runAll() ? 0 : 1;
  }
}
