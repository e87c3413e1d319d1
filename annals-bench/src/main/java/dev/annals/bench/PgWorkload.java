package dev.annals.bench;

import dev.annals.postgres.LocalPostgres;
import java.util.List;
import java.util.function.Function;

/**
 * A benchmark row on the run's throwaway PostgreSQL: measured when the server is up, a {@code skipped}
 * row saying why when the machine has none. Subclasses measure; this class decides whether they can.
 */
abstract class PgWorkload implements Workload {

  private final Function<BenchEnv, PgSizes> sizes;

  PgWorkload(Function<BenchEnv, PgSizes> sizes) {
    this.sizes = sizes;
  }

  /** The row's store column (also on its skipped row). */
  abstract String store();

  /** Runs the workload and its baseline on {@code server}. */
  abstract BenchResult measure(BenchEnv env, LocalPostgres server, PgSizes size) throws Exception;

  @Override
  public final List<BenchResult> run(BenchEnv env) throws Exception {
    return switch (env.postgres().availability()) {
      case BenchPostgres.Availability.Down down -> List.of(BenchResult.skipped(name(), store(), down.why()));
      case BenchPostgres.Availability.Up up -> List.of(measure(env, up.server(), sizes.apply(env)));
    };
  }
}
