package dev.annals.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a workload gets: the mode, a scratch directory of its own, and a place to report progress. */
public record BenchEnv(boolean quick, Path scratch, PrintStream out) {

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
