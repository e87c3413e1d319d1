package dev.annals.cli;

import dev.annals.examples.bank.seed.SeedConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a tour's commands the way a reader's shell would, against one fresh demo in {@code dataDir},
 * and answers what each printed on stdout. {@code ./annals demo} starts the demo (on a free port; the
 * tour's {@code http://127.0.0.1:7070} is mapped to it); other {@code ./annals} commands run the CLI
 * in this process, and one with {@code --data} first stops the demo, as the reader does with Ctrl-C;
 * {@code curl} is sent with java.net.http (curl need not be installed); {@code sqlite3 DB SQL} runs
 * the SQL through JDBC and prints rows as sqlite3 does ({@code |} between columns). {@code $DATA} is
 * the demo's data directory. Anything else (pipes, other programs) is refused, so the tour stays
 * something this test can run.
 */
final class TourSession implements AutoCloseable {

  static final String SHOWN_SERVER = "http://127.0.0.1:7070";
  private static final Set<String> SHELL_OPERATORS = Set.of("|", "||", "&&", ";", "&", ">", ">>", "<");

  private final Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Optional<Demo> demo = Optional.empty();
  private String server = SHOWN_SERVER;

  TourSession(Path dataDir) {
    this.dataDir = dataDir;
  }

  Path dataDir() {
    return dataDir;
  }

  /** What {@code command} printed on stdout (with its exit code and stderr appended when it failed). */
  String run(String command) throws Exception {
    List<String> words = ShellWords.split(command.replace("$DATA", dataDir.toString()));
    for (String w : words) {
      if (SHELL_OPERATORS.contains(w)) {
        throw new IllegalArgumentException("`" + command + "`: the tour's test runs single commands, not `" + w + "`");
      }
    }
    return switch (words.getFirst()) {
      case "./annals" -> annals(words.subList(1, words.size()));
      case "curl" -> curl(words.subList(1, words.size()));
      case "sqlite3" -> sqlite(words.subList(1, words.size()));
      default -> throw new IllegalArgumentException("`" + command + "`: the tour's test cannot run " + words.getFirst());
    };
  }

  private String annals(List<String> args) throws Exception {
    if (args.getFirst().equals("demo")) {
      if (args.size() > 1 || demo.isPresent()) {
        throw new IllegalArgumentException("the tour's test starts one demo, as `./annals demo`, with no options");
      }
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      Demo d = Demo.open(dataDir, "127.0.0.1", 0, new PrintStream(printed, true, StandardCharsets.UTF_8));
      demo = Optional.of(d);
      server = d.server().uri().toString().replaceAll("/$", "");
      d.run(SeedConfig.defaults());
      return printed.toString(StandardCharsets.UTF_8);
    }
    if (args.contains("--data")) {
      stopDemo();
    }
    CliRun run = CliRun.run(args.stream().map(a -> a.replace(SHOWN_SERVER, server)).toArray(String[]::new));
    return run.exit() == 0 ? run.out() : run.out() + "[exit " + run.exit() + "] " + run.err();
  }

  private String curl(List<String> args) throws Exception {
    String method = null;
    Optional<String> body = Optional.empty();
    List<String> headers = new ArrayList<>();
    String url = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-s", "-S", "-sS" -> { }
        case "-X" -> method = args.get(++i);
        case "-H" -> headers.add(args.get(++i));
        case "-d", "--data" -> body = Optional.of(args.get(++i));
        default -> {
          if (a.startsWith("-") || url != null) {
            throw new IllegalArgumentException("the tour's test does not know curl's " + a);
          }
          url = a;
        }
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("curl without a URL: " + args);
    }
    String target = (url.startsWith("http") ? url : "http://" + url).replace(SHOWN_SERVER, server)
        .replace("http://localhost:7070", server);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target));
    for (String h : headers) {
      int colon = h.indexOf(':');
      request.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
    }
    String m = method != null ? method : body.isPresent() ? "POST" : "GET";
    request.method(m, body.map(HttpRequest.BodyPublishers::ofString).orElse(HttpRequest.BodyPublishers.noBody()));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String sqlite(List<String> args) throws Exception {
    if (args.size() != 2) {
      throw new IllegalArgumentException("the tour's test runs `sqlite3 DB 'SQL'`, got " + args);
    }
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args.get(0));
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(args.get(1))) {
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        for (int i = 1; i <= columns; i++) {
          String v = rows.getString(i);
          out.append(i > 1 ? "|" : "").append(v == null ? "" : v);
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private void stopDemo() {
    demo.ifPresent(Demo::close);
    demo = Optional.empty();
  }

  @Override
  public void close() {
    stopDemo();
    http.close();
  }
}
