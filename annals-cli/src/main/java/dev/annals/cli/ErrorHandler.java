package dev.annals.cli;

import dev.annals.core.EventStoreException;
import picocli.CommandLine;

/** Prints a failure as one clear line (the error code and message) instead of a stack trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

  /** Exit code for a store's refusal (bad input, wrong version, unavailable). */
  static final int STORE_ERROR = 2;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
    if (ex instanceof EventStoreException e) {
      cli.getErr().println("error: " + e.code() + ": " + e.getMessage());
      return STORE_ERROR;
    }
    if (ex instanceof CliFailure f) {
      cli.getErr().println("error: " + f.getMessage());
      return f.exitCode();
    }
    cli.getErr().println("error: " + ex);
    ex.printStackTrace(cli.getErr());
    return 1;
  }
}
