package dev.annals.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a workload gets: the mode, a scratch directory of its own, a place to report progress, the run's
 * PostgreSQL for the pg rows and the run's Kafka broker for the kafka rows.
 */
public record BenchEnv(boolean quick, Path scratch, PrintStream out, BenchPostgres postgres, BenchKafka kafka) {

  /** A run without PostgreSQL or Kafka: the pg and kafka rows report themselves skipped. */
  public BenchEnv(boolean quick, Path scratch, PrintStream out) {
    this(quick, scratch, out, BenchPostgres.none("no PostgreSQL was given to this run"));
  }

  /** A run without Kafka: the kafka rows report themselves skipped. */
  public BenchEnv(boolean quick, Path scratch, PrintStream out, BenchPostgres postgres) {
    this(quick, scratch, out, postgres, BenchKafka.none("no Kafka was given to this run"));
  }

  /** A fresh, empty directory under the scratch directory. */
  public Path newDir(String name) throws IOException {
    return Files.createTempDirectory(scratch, name + "-");
  }

  /** Picks the full or the quick size. */
  public int size(int full, int quickSize) {
    return quick ? quickSize : full;
  }

  public void progress(String line) {
    out.println("  .. " + line);
    out.flush();
  }
}
