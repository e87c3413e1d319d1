package dev.annals.cli;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * One line that says what a long step is doing (building, seeding, projecting). On a terminal it is
 * rewritten in place and erased by {@link #clear}, so only the command's own output stays; otherwise
 * (a pipe, a file, a CI log) each step is one plain line and the counts in between are left out. Not
 * thread-safe: one owner.
 */
final class ProgressLine {

  /** Set by the {@code ./annals} launcher: whether stderr is a terminal (the JVM cannot tell on Java 21). */
  static final String TERMINAL_PROPERTY = "annals.stderr.terminal";

  private final PrintStream err;
  private final boolean terminal;
  private String step = "";
  private boolean shown;

  ProgressLine(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** On stderr, rewritten in place when stderr is a terminal. */
  static ProgressLine onStderr() {
    String said = System.getProperty(TERMINAL_PROPERTY);
    return new ProgressLine(System.err, said != null ? Boolean.parseBoolean(said) : System.console() != null);
  }

  /** Prints nothing. */
  static ProgressLine none() {
    return new ProgressLine(new PrintStream(OutputStream.nullOutputStream()), false);
  }

  /**
   * Shows {@code step} (e.g. "seeding 70,294 events") with {@code count} (e.g. "35,000 done"): both on a
   * terminal, only a new step otherwise.
   */
  void show(String step, String count) {
    if (terminal) {
      err.print("\r" + step + (count.isEmpty() ? "" : ": " + count) + "\033[K");
      err.flush();
      shown = true;
    } else if (!step.equals(this.step)) {
      err.println(step);
      err.flush();
    }
    this.step = step;
  }

  /** Erases the line on a terminal, so what follows starts on a clean line. */
  void clear() {
    if (terminal && shown) {
      err.print("\r\033[K");
      err.flush();
      shown = false;
    }
  }
}
