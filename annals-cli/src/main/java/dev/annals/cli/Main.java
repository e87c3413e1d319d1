package dev.annals.cli;

import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code annals} command. Each subcommand is one class; they are listed here, explicitly.
 * Exit code 0 only on success.
 */
@Command(
    name = "annals",
    mixinStandardHelpOptions = true,
    // -h/--help (and -V/--version) on every subcommand too.
    scope = CommandLine.ScopeType.INHERIT,
    version = "annals 0.1.0-SNAPSHOT",
    description = "Annals: an event store and CQRS toolkit for the JVM.",
    subcommands = {
      DemoCommand.class,
      AppendCommand.class,
      ReadCommand.class,
      VerifyCommand.class,
      CopyCommand.class,
      KafkaExportCommand.class,
      ServeCommand.class,
      TailCommand.class,
      ImportCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (for tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(new BadValueHandler(cli.getParameterExceptionHandler()));
    // every time option reads the same forms (after the subcommands exist: registers on all of them)
    cli.registerConverter(Instant.class, new TimeArgument());
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
