package dev.annals.cli;

/** A command failed in a way the user should read as one line; carries the exit code. */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  CliFailure(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
