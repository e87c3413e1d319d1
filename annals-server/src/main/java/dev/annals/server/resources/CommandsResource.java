package dev.annals.server.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.annals.core.AppendResult;
import dev.annals.core.Direction;
import dev.annals.core.EventStore;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.CommandContext;
import dev.annals.cqrs.CommandRejectedException;
import dev.annals.cqrs.codec.Mappers;
import dev.annals.module.CommandOutcome;
import dev.annals.module.CommandRoute;
import dev.annals.module.ServerModule;
import dev.annals.server.auth.Access;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.Routes;
import dev.annals.server.http.WireJson;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /commands/{module}/{command}}: a module's command, its JSON body decoded into the
 * command's record (explicitly registered, strict: unknown fields, missing values and wrong types are
 * 400s), run through the module's command handling with the request's metadata headers. Writers and
 * admins only, and the key must cover every stream the command writes. A domain refusal is a 400
 * {@code invalid_request} with the decider's code in {@code reason}. Thread-safe.
 */
public final class CommandsResource {

  static final String COMMAND_ID = "Annals-Command-Id";
  static final String CORRELATION_ID = "Annals-Correlation-Id";
  static final String CAUSATION_ID = "Annals-Causation-Id";
  static final String REASON = "Annals-Reason";
  static final String ACTOR = "Annals-Actor";
  /** How much of a decoding error's text a response carries (Jackson's own text names the type and value). */
  private static final int MESSAGE_CHARS = 300;

  private final EventStore store;
  private final boolean authenticated;
  private final Map<String, Map<String, CommandRoute<?>>> byModule;
  private final ObjectMapper json = Mappers.strictRequests();

  public CommandsResource(EventStore store, List<ServerModule> modules, boolean authenticated) {
    this.store = store;
    this.authenticated = authenticated;
    Map<String, Map<String, CommandRoute<?>>> all = new LinkedHashMap<>();
    for (ServerModule m : modules) {
      Map<String, CommandRoute<?>> routes = new LinkedHashMap<>();
      for (CommandRoute<?> r : m.commands()) {
        if (routes.putIfAbsent(r.name(), r) != null) {
          throw new IllegalArgumentException("module " + m.name() + " registers command " + r.name() + " twice");
        }
      }
      if (!routes.isEmpty() && all.putIfAbsent(m.name(), Map.copyOf(routes)) != null) {
        throw new IllegalArgumentException("two modules named " + m.name() + " register commands");
      }
    }
    this.byModule = Map.copyOf(all);
  }

  public void routing(Routes routes) {
    routes.post("/commands/{module}/{command}", this::command);
  }

  private void command(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    if (!x.principal().mayWrite()) {
      throw HttpError.forbidden("a reader key may not send commands");
    }
    String module = x.path("module");
    Map<String, CommandRoute<?>> commands = Optional.ofNullable(byModule.get(module)).orElseThrow(() ->
        HttpError.notFound("no module '" + WireJson.abbreviate(module) + "' with commands; modules: "
            + byModule.keySet().stream().sorted().toList()));
    String name = x.path("command");
    CommandRoute<?> route = Optional.ofNullable(commands.get(name)).orElseThrow(() ->
        HttpError.notFound("module " + module + " has no command '" + WireJson.abbreviate(name) + "'; commands: "
            + commands.keySet().stream().sorted().toList()));
    CommandContext context = context(x);
    CommandOutcome outcome = run(x, route, x.body(), context);
    List<RecordedEvent> written = outcome.append().map(this::events).orElse(List.of());
    x.json(200, g -> {
      g.writeStartObject();
      g.writeStringField("stream", outcome.stream());
      g.writeStringField("commandId", context.commandId().toString());
      g.writeBooleanField("repeated", outcome.repeated());
      g.writeNumberField("streamVersion", outcome.streamVersion());
      g.writeFieldName("append");
      if (outcome.append().isPresent()) {
        WireJson.writeAppendResult(g, outcome.append().get());
      } else {
        g.writeNull();
      }
      g.writeArrayFieldStart("events");
      for (RecordedEvent e : written) {
        WireJson.writeEvent(g, e);
      }
      g.writeEndArray();
      g.writeFieldName("state");
      g.writeRawValue(outcome.state().toString());
      g.writeEndObject();
    });
  }

  private <B> CommandOutcome run(Exchange x, CommandRoute<B> route, byte[] body, CommandContext context) {
    B command;
    try {
      command = json.readValue(body, route.body());
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw HttpError.invalid("bad " + route.name() + " command: "
          + WireJson.abbreviate(cause == e ? forClient(e.getOriginalMessage()) : String.valueOf(cause.getMessage()),
              MESSAGE_CHARS));
    } catch (JsonProcessingException e) {
      throw HttpError.invalid("bad " + route.name() + " command: " + field(e)
          + WireJson.abbreviate(forClient(e.getOriginalMessage()), MESSAGE_CHARS));
    } catch (IOException e) {
      throw HttpError.invalid("malformed JSON: " + WireJson.abbreviate(String.valueOf(e.getMessage())));
    }
    if (command == null) {
      throw HttpError.invalid("the " + route.name() + " command must be a JSON object");
    }
    List<String> streams;
    try {
      streams = route.streams().apply(command);
    } catch (IllegalArgumentException e) {
      throw HttpError.invalid("bad " + route.name() + " command: " + e.getMessage());
    }
    for (String s : streams) {
      Access.write(x, s);
    }
    try {
      return route.run().run(store, command, context);
    } catch (CommandRejectedException e) {
      throw new HttpError(400, "invalid_request", e.getMessage(), Map.of("reason", e.reason()));
    }
  }

  /** Jackson's advice to the server's developer, in parentheses or after a comma: not for the client. */
  private static final Pattern ADVICE = Pattern.compile(
      "\\s*\\((?:set |enable |but could if |but might if |class |through reference chain|index \\d)[^)]*\\)|, not marked as ignorable"
          + "|;\\s*`\\w+Feature\\.\\w+` (?:enabled|disabled)|:\\s*not allowed as per `\\w+Feature\\.\\w+`");
  /** A fully qualified class name, such as {@code dev.annals.examples.bank.http.BankCommands$Deposit}. */
  private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+(?:[A-Z][A-Za-z0-9_]*\\$)*([A-Z][A-Za-z0-9_]*)");

  /**
   * A mapping error as the client needs it: what is wrong with its JSON, without the mapper settings
   * Jackson suggests or the server's class names (a class keeps its simple name).
   */
  static String forClient(String message) {
    String m = ADVICE.matcher(String.valueOf(message)).replaceAll("");
    return CLASS_NAME.matcher(m).replaceAll("$1");
  }

  /** {@code at 'valueDate': } for a mapping error inside a field (Jackson's own message does not always say). */
  private static String field(JsonProcessingException e) {
    if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) {
      return "";
    }
    List<String> parts = m.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]").toList();
    return "at '" + WireJson.abbreviate(String.join(".", parts)) + "': ";
  }

  private CommandContext context(Exchange x) {
    UUID commandId = x.header(COMMAND_ID).map(v -> {
      try {
        return UUID.fromString(v.strip());
      } catch (IllegalArgumentException e) {
        throw HttpError.invalid(COMMAND_ID + " must be a UUID, was '" + WireJson.abbreviate(v) + "'");
      }
    }).orElseGet(UUID::randomUUID);
    CommandContext c = CommandContext.of(commandId);
    Optional<String> actor = x.header(ACTOR);
    if (authenticated) {
      if (actor.isPresent()) {
        throw HttpError.invalid(ACTOR + " is not accepted with API keys: the actor is the key's name");
      }
      c = c.withActor(x.principal().name());
    } else if (actor.isPresent()) {
      c = c.withActor(nonBlank(ACTOR, actor.get()));
    }
    Optional<String> correlation = x.header(CORRELATION_ID);
    if (correlation.isPresent()) {
      c = c.withCorrelationId(nonBlank(CORRELATION_ID, correlation.get()));
    }
    Optional<String> causation = x.header(CAUSATION_ID);
    if (causation.isPresent()) {
      c = c.withCausationId(nonBlank(CAUSATION_ID, causation.get()));
    }
    Optional<String> reason = x.header(REASON);
    if (reason.isPresent()) {
      c = c.withReason(nonBlank(REASON, reason.get()));
    }
    return c;
  }

  private static String nonBlank(String header, String value) {
    if (value.isBlank()) {
      throw HttpError.invalid(header + " must not be blank");
    }
    return value.strip();
  }

  /** The events an append wrote, read back (so the response shows them as the store has them). */
  private List<RecordedEvent> events(AppendResult r) {
    int count = (int) (r.lastVersion() - r.firstVersion() + 1);
    return store.readStream(r.stream(), r.firstVersion(), Direction.FORWARD, count).events();
  }
}
