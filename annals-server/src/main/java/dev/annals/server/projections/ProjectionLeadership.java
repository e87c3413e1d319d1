package dev.annals.server.projections;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that keeps each projection run by exactly one of the servers sharing its read models: every
 * {@link #ROUND}, for each projection, the supervisor stands down where this server lost the lead, tries to
 * lead where it has none (so a projection whose server died is taken over within a few rounds of the
 * database noticing), and, where it leads, publishes the status and serves the other servers' requests.
 * One platform thread per supervisor.
 */
final class ProjectionLeadership {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionLeadership.class);
  static final Duration ROUND = Duration.ofMillis(500);
  /**
   * A status another server published this recently means it runs the projection: the others do not ask for
   * the role (each ask opens a database connection) until it has been quiet this long, so a dead runner is
   * replaced within about this plus a round.
   */
  static final Duration RECENT = Duration.ofSeconds(2);

  private ProjectionLeadership() {
  }

  static Thread start(ProjectionSupervisor supervisor) {
    return Thread.ofPlatform().daemon().name("annals-projection-leadership").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        for (String name : supervisor.slotNames()) {
          try {
            supervisor.leadershipRound(name);
          } catch (RuntimeException e) {
            LOG.debug("leadership round of {}: {}", name, e.toString()); // the database is away: next round
          }
        }
        try {
          Thread.sleep(ROUND.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  static void stop(Thread loop) {
    loop.interrupt();
    try {
      loop.join(Duration.ofSeconds(35).toMillis()); // a round may be waiting on a slot's promotion
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
