package dev.annals.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A throwaway PostgreSQL server started from this machine's binaries ({@code initdb}, {@code pg_ctl},
 * {@code postgres}), in a new temporary directory, on a free loopback port, with trust authentication
 * for the user {@code annals}. For tests, benchmarks and demos: {@link #close()} stops it and removes
 * its directory.
 *
 * <p>PostgreSQL refuses to run as root; when this process is root, every server command runs as the
 * {@code postgres} system user (through {@code runuser}), which owns the directory. The binaries are
 * looked up in {@code $ANNALS_PG_BIN}, then on the {@code PATH}, then under
 * {@code /usr/lib/postgresql/<version>/bin} (the newest version 15 or later).
 */
public final class LocalPostgres implements AutoCloseable {

  /** How {@link #stop} stops the server (pg_ctl's shutdown modes). */
  public enum StopMode {
    /** Disconnects clients and shuts down cleanly. */
    FAST,
    /** Quits at once, as a crash would (recovery replays the WAL on the next start). */
    IMMEDIATE
  }

  /** The user the server trusts. */
  public static final String USER = "annals";
  private static final int MIN_VERSION = 15;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean asPostgresUser;
  private final AtomicInteger databases = new AtomicInteger();
  private boolean running;

  private LocalPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /**
   * The directory holding {@code initdb}, {@code pg_ctl} and {@code postgres} (version 15 or later),
   * or empty when this machine has none.
   */
  public static Optional<Path> findBinaries() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("ANNALS_PG_BIN");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String p : path.split(java.io.File.pathSeparator)) {
        if (!p.isBlank()) {
          candidates.add(Path.of(p));
        }
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions.filter(v -> v.getFileName().toString().matches("\\d+"))
            .filter(v -> Integer.parseInt(v.getFileName().toString()) >= MIN_VERSION)
            .sorted(Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString())).reversed())
            .forEach(v -> candidates.add(v.resolve("bin")));
      } catch (IOException e) {
        // unreadable: the other candidates still count
      }
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c.resolve("initdb")) && Files.isExecutable(c.resolve("pg_ctl"))
          && Files.isExecutable(c.resolve("postgres"))) {
        return Optional.of(resolveLinks(c.resolve("pg_ctl")).getParent());
      }
    }
    return Optional.empty();
  }

  /** Why {@link #findBinaries()} found nothing, for an error or a skipped test. */
  public static String missingBinariesHint() {
    return "no PostgreSQL 15+ server binaries (initdb, pg_ctl, postgres) were found in $ANNALS_PG_BIN, on the"
        + " PATH or under /usr/lib/postgresql/*/bin; install them (Debian: apt-get install postgresql)";
  }

  /** Starts a new server from the binaries {@link #findBinaries()} finds. */
  public static LocalPostgres start() {
    Path bin = findBinaries().orElseThrow(() -> new IllegalStateException(missingBinariesHint()));
    return start(bin);
  }

  /** Starts a new server from the binaries in {@code bin}, in a new temporary directory. */
  public static LocalPostgres start(Path bin) {
    boolean root = isRoot();
    Path dir;
    try {
      dir = Files.createTempDirectory("annals-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      LocalPostgres pg = new LocalPostgres(bin, dir, freePort(), root);
      try {
        if (attempt == 0) {
          pg.initdb();
        }
        pg.startServer();
        return pg;
      } catch (IllegalStateException e) {
        last = e; // most likely the port was taken meanwhile: try another
      }
    }
    deleteTree(dir);
    throw last;
  }

  /** The port the server listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** The server's data directory. */
  public Path dataDirectory() {
    return data;
  }

  /** A JDBC URL for {@code database} as the trusted user. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  /** The store URL Annals takes ({@code postgresql://annals@127.0.0.1:PORT/DB}). */
  public URI url(String database) {
    return URI.create("postgresql://" + USER + "@127.0.0.1:" + port + "/" + database);
  }

  /** Creates a new empty database and returns its name. */
  public String createDatabase() {
    String name = "annals_" + databases.incrementAndGet();
    createDatabase(name);
    return name;
  }

  /** Creates a new empty database named {@code name}. */
  public void createDatabase(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("a database name here is lowercase letters, digits and _");
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Stops the server; {@link #restart()} starts it again on the same port with the same data. */
  public synchronized void stop(StopMode mode) {
    if (!running) {
      return;
    }
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-m",
        mode.name().toLowerCase(java.util.Locale.ROOT), "stop"), "pg_ctl stop");
    running = false;
  }

  /** Starts a stopped server again (same port, same data). */
  public synchronized void restart() {
    if (!running) {
      startServer();
    }
  }

  /** Whether the server is running (as far as this object knows). */
  public synchronized boolean isRunning() {
    return running;
  }

  /** Stops the server (fast) and removes its directory. */
  @Override
  public synchronized void close() {
    try {
      if (running) {
        stop(StopMode.IMMEDIATE);
      }
    } finally {
      deleteTree(dir);
    }
  }

  private void initdb() {
    if (asPostgresUser) {
      chown(dir);
    }
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust",
        "-E", "UTF8", "--locale=C", "--no-sync"), "initdb");
  }

  private synchronized void startServer() {
    String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=300";
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
        "-w", "-t", "60", "-o", options, "start"), "pg_ctl start");
    running = true;
  }

  private void run(List<String> command, String what) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path out = dir.resolve(what.replace(' ', '-') + ".out");
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + tail(out)
            + tail(dir.resolve("server.log")));
      }
    } catch (IOException e) {
      throw new IllegalStateException(what + " could not run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " was interrupted", e);
    }
  }

  private static String tail(Path file) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> lines = Files.readAllLines(file);
      return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  private static void chown(Path dir) {
    try {
      UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    } catch (IOException e) {
      throw new IllegalStateException("running as root, PostgreSQL must run as the 'postgres' system user,"
          + " which this machine lacks (Debian: apt-get install postgresql creates it)", e);
    }
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resolveLinks(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  private static void deleteTree(@Nullable Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: a throwaway directory under the temp dir
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }
}
