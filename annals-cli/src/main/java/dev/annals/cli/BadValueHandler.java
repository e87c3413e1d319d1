package dev.annals.cli;

import picocli.CommandLine;

/**
 * A value that does not convert (a time, a number) is refused in one line, {@code error: Invalid value
 * for option '--known-at': ...}, with picocli's exit code for invalid input; other usage errors keep
 * picocli's message and usage help.
 */
final class BadValueHandler implements CommandLine.IParameterExceptionHandler {

  private final CommandLine.IParameterExceptionHandler others;

  BadValueHandler(CommandLine.IParameterExceptionHandler others) {
    this.others = others;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) throws Exception {
    if (ex.getCause() instanceof CommandLine.TypeConversionException) {
      CommandLine cli = ex.getCommandLine();
      cli.getErr().println("error: " + ex.getMessage());
      return cli.getCommandSpec().exitCodeOnInvalidInput();
    }
    return others.handleParseException(ex, args);
  }
}
