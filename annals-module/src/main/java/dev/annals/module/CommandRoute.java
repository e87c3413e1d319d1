package dev.annals.module;

import dev.annals.core.EventStore;
import dev.annals.cqrs.CommandContext;
import java.util.List;
import java.util.function.Function;

/**
 * A command served at {@code POST /commands/{module}/{name}}: the JSON body is decoded into
 * {@code body} (a record, by Jackson with strict settings: unknown fields and missing values are 400s)
 * and run. Immutable; thread-safe when {@code run} is.
 *
 * @param name the route's last segment, e.g. {@code deposit}
 * @param body the record the request body decodes to
 * @param streams the streams the command writes; the caller's key must cover each of them
 * @param run runs the command with the request's metadata
 */
public record CommandRoute<B>(String name, Class<B> body, Function<B, List<String>> streams, Runner<B> run) {

  public CommandRoute {
    if (!name.matches("[a-z][a-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("bad command route name '" + name + "'");
    }
  }

  /** Runs one command. */
  @FunctionalInterface
  public interface Runner<B> {
    /**
     * @throws dev.annals.cqrs.CommandRejectedException the domain refused it (answered 400 with its reason)
     */
    CommandOutcome run(EventStore store, B command, CommandContext context);
  }
}
