package dev.annals.cli;

import dev.annals.core.StoreCopy;
import dev.annals.core.StoredEventSource;
import dev.annals.core.StoredEventTarget;
import dev.annals.log.LogEventSource;
import dev.annals.log.LogEventTarget;
import dev.annals.log.LogOptions;
import dev.annals.postgres.PostgresEventSource;
import dev.annals.postgres.PostgresEventTarget;
import dev.annals.postgres.PostgresOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annals copy (--data DIR | --store URL) --to (DIR | URL)}: copies a whole store into an empty one,
 * between engines or within one, keeping ids, positions, versions, both times, the exact bytes, the
 * append boundaries and the import flags, hence the head hash, which it prints for both sides. The
 * source is never changed; a target that holds anything is refused before anything is written.
 */
@Command(name = "copy", description = "Copy a whole store into an empty one (a data directory or a PostgreSQL"
    + " database), keeping every event and the head hash.")
final class CopyCommand implements Callable<Integer> {

  @Mixin StoreOptions from;

  @Option(names = "--to", required = true, paramLabel = "DIR|URL", description = "The empty store to fill: a new or"
      + " empty directory, or a PostgreSQL URL (postgresql://USER@HOST:PORT/DB) whose store holds no events.")
  String to = "";

  @Override
  public Integer call() throws Exception {
    StoreLocation source = from.location().orElseThrow(() -> new CliFailure(
        "copy needs the store to copy from: --data DIR or --store URL", 2));
    StoreLocation target = target(to);
    PrintStream out = System.out;
    ProgressLine progress = ProgressLine.onStderr();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      StoredEventSource reader = source(source, opened);
      StoredEventTarget writer = target(target, opened);
      String step = "annals copy: from " + reader.describe() + " to " + writer.describe();
      progress.show(step, "");
      long t0 = System.nanoTime();
      StoreCopy.Result r = StoreCopy.copy(reader, writer,
          n -> progress.show(step, String.format(Locale.ROOT, "%,d events", n)));
      progress.clear();
      out.printf(Locale.ROOT, "copied %,d events in %.1f s%n", r.events(), (System.nanoTime() - t0) / 1e9);
      out.printf(Locale.ROOT, "  from %s%n", reader.describe());
      out.printf(Locale.ROOT, "  to   %s%n", writer.describe());
      out.println("source head position: " + r.source().position());
      out.println("source head hash:     " + r.source().hash());
      out.println("target head position: " + r.target().position());
      out.println("target head hash:     " + r.target().hash());
      if (!r.same()) {
        out.println("MISMATCH: the two stores do not end at the same head; do not use the copy");
        return 1;
      }
      out.println("ok: both stores end at position " + r.target().position() + " with the same head hash");
      return 0;
    } finally {
      progress.clear();
      for (int i = opened.size() - 1; i >= 0; i--) {
        opened.get(i).close();
      }
    }
  }

  /** {@code --to}: a PostgreSQL URL, or else a directory. */
  static StoreLocation target(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new CliFailure("--to needs a directory or a PostgreSQL URL", 2);
    }
    return t.contains("://") ? StoreLocation.PostgresUrl.parse("--to", t) : new StoreLocation.DataDirectory(Path.of(t));
  }

  private static StoredEventSource source(StoreLocation where, List<AutoCloseable> opened) {
    return switch (where) {
      case StoreLocation.DataDirectory d -> {
        d.requireStore();
        LogEventSource s = LogEventSource.open(d.dir());
        opened.add(s);
        yield s;
      }
      case StoreLocation.PostgresUrl p -> {
        PostgresEventSource s = PostgresEventSource.open(PostgresOptions.of(p.url()));
        opened.add(s);
        yield s;
      }
      case StoreLocation.InMemory m -> throw new CliFailure("there is nothing to copy from a store in memory", 2);
    };
  }

  private static StoredEventTarget target(StoreLocation where, List<AutoCloseable> opened) {
    return switch (where) {
      case StoreLocation.DataDirectory d -> {
        LogEventTarget t = LogEventTarget.create(d.dir(), LogOptions.defaults());
        opened.add(t);
        yield t;
      }
      case StoreLocation.PostgresUrl p -> {
        PostgresEventTarget t = PostgresEventTarget.begin(PostgresOptions.of(p.url())); // makes the tables if need be
        opened.add(t);
        yield t;
      }
      case StoreLocation.InMemory m -> throw new CliFailure("a copy into memory would be lost at once", 2);
    };
  }
}
