package dev.annals.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code annals demo}: the bank demo. Not built yet; says so and fails. */
@Command(name = "demo", description = "Run the bank demo (not built yet).")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE})", defaultValue = "7070")
  int port;

  @Override
  public Integer call() {
    System.err.println("""
        annals demo: the bank demo is not built yet.
        It needs the server (HTTP API) and the bank example, which have not landed.
        Meanwhile try the embedded store with: ./annals --help""");
    return 3;
  }
}
