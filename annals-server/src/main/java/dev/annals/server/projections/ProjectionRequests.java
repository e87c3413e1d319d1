package dev.annals.server.projections;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds and promotions asked of a server that does not run the projection: it writes the request to
 * {@code annals_projection_request} and waits (at most {@link #WAIT}) for the answer of the server that does,
 * which runs each pending request once, on its background executor, and writes back a snapshot or the
 * reason it refused. Thread-safe.
 */
final class ProjectionRequests {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionRequests.class);
  /** How long a server that does not run a projection waits for the one that does to answer a request. */
  static final Duration WAIT = Duration.ofSeconds(40);
  private static final Duration POLL = Duration.ofMillis(50);

  /** What the running server does with a request: its own calls. */
  interface Handler {
    ProjectionSnapshot rebuild(String name) throws InterruptedException;

    ProjectionSnapshot promote(String name, boolean requireIdentical) throws InterruptedException;
  }

  private final SharedProjectionState state;
  private final String node;
  private final Executor background;
  /** Requests being served now (each once). */
  private final Set<String> serving = ConcurrentHashMap.newKeySet();

  ProjectionRequests(SharedProjectionState state, String node, Executor background) {
    this.state = state;
    this.node = node;
    this.background = background;
  }

  /** On the running server: starts serving every pending request for {@code name} not already under way. */
  void serve(String name, Handler handler) {
    for (SharedProjectionState.Request q : state.pending(name)) {
      if (serving.add(q.id())) {
        background.execute(() -> serve(q, handler));
      }
    }
  }

  private void serve(SharedProjectionState.Request q, Handler handler) {
    try {
      ProjectionSnapshot answer = switch (q.action()) {
        case "rebuild" -> handler.rebuild(q.name());
        case "promote" -> handler.promote(q.name(), Boolean.parseBoolean(q.argument()));
        default -> throw new ProjectionSupervisor.RefusedException("unknown request '" + q.action() + "'");
      };
      state.answer(q.id(), new SharedProjectionState.Answer(SharedProjectionState.Answer.OK,
          SharedProjectionState.write(answer)));
    } catch (ProjectionSupervisor.RefusedException | ProjectionSupervisor.NotRunningException e) {
      state.answer(q.id(), new SharedProjectionState.Answer(SharedProjectionState.Answer.REFUSED, e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("serving {}'s {} of {} failed: {}", q.node(), q.action(), q.name(), e.toString());
      try {
        state.answer(q.id(), new SharedProjectionState.Answer(SharedProjectionState.Answer.REFUSED,
            q.action() + " of " + q.name() + " failed on " + node + ": " + e.getMessage()));
      } catch (RuntimeException ignored) {
        // The database is gone; the asking server times out and says so.
      }
    } finally {
      serving.remove(q.id());
    }
  }

  /**
   * On a server that does not run {@code name}: asks the one that does and answers as it did.
   *
   * @throws ProjectionSupervisor.RefusedException the running server refused (the reason is its own)
   * @throws ProjectionSupervisor.NotRunningException no server runs it now, or none answered in time
   */
  ProjectionSnapshot forward(String name, String action, String argument) throws InterruptedException {
    String runner = state.status(name).map(SharedProjectionState.Published::node).orElseThrow(() ->
        new ProjectionSupervisor.NotRunningException("no server runs projection " + name + " now (its server"
            + " stopped and none has taken over yet); try again in a few seconds"));
    String id = state.request(name, action, argument, node);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<SharedProjectionState.Answer> a = state.answered(id);
      if (a.isPresent()) {
        if (a.get().outcome().equals(SharedProjectionState.Answer.OK)) {
          return SharedProjectionState.read(a.get().answer());
        }
        throw new ProjectionSupervisor.RefusedException(a.get().answer());
      }
      Thread.sleep(POLL.toMillis());
    }
    state.forget(id);
    throw new ProjectionSupervisor.NotRunningException("server " + runner + ", which runs projection " + name
        + ", did not answer the " + action + " within " + WAIT.toSeconds() + " s; try again");
  }
}
