package dev.annals.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.EventStore;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.CommandHandler;
import dev.annals.cqrs.CommandRejectedException;
import dev.annals.cqrs.CommandResult;
import dev.annals.cqrs.Decider;
import dev.annals.cqrs.codec.JacksonEventCodec;
import dev.annals.cqrs.projection.JdbcSession;
import dev.annals.cqrs.projection.Projection;
import dev.annals.module.CommandOutcome;
import dev.annals.module.CommandRoute;
import dev.annals.module.HostedProjection;
import dev.annals.module.ProjectionQuery;
import dev.annals.module.ServerModule;
import dev.annals.module.StateView;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A tiny module for the module-host tests: ledgers ({@code ledger-<id>}) that are credited and debited.
 * Projection {@code ledger_totals} v1 sums credits only (its "bug"), v2 credits minus debits; query
 * {@code rows} lists them. Commands {@code credit} and {@code debit} (refused below zero).
 */
public final class LedgerModule implements ServerModule {

  sealed interface LedgerEvent {}

  record Credited(long amount) implements LedgerEvent {}

  record Debited(long amount) implements LedgerEvent {}

  /** The body of both commands. */
  record Move(String ledgerId, long amount) {
    Move {
      Objects.requireNonNull(ledgerId, "ledgerId is required");
      if (amount <= 0) {
        throw new IllegalArgumentException("amount must be positive, was " + amount);
      }
    }
  }

  static final JacksonEventCodec<LedgerEvent> CODEC = JacksonEventCodec.builder(LedgerEvent.class)
      .register("Credited", Credited.class).register("Debited", Debited.class).build();

  static final Decider<LedgerEvent, Long, LedgerEvent> DECIDER = Decider.of((LedgerEvent c, Long balance) -> {
    if (c instanceof Debited d && d.amount() > balance) {
      throw new CommandRejectedException("insufficient_funds", "balance " + balance + " is below " + d.amount());
    }
    return List.of(c);
  }, (Long balance, LedgerEvent e) -> switch (e) {
    case Credited c -> balance + c.amount();
    case Debited d -> balance - d.amount();
  }, 0L);

  static Projection<JdbcSession> totals(int version) {
    return Projection.<JdbcSession>named("ledger_totals", version)
        .tables("totals")
        .setup(db -> db.execute("CREATE TABLE IF NOT EXISTS {totals} (stream TEXT PRIMARY KEY, total INTEGER NOT NULL)"))
        .filter(Filter.category("ledger"))
        .onAny(CODEC::decode, (JdbcSession db, LedgerEvent e, RecordedEvent env) -> {
          long delta = switch (e) {
            case Credited c -> c.amount();
            case Debited d -> version == 1 ? 0 : -d.amount();
          };
          db.update("INSERT INTO {totals} (stream, total) VALUES (?, ?) ON CONFLICT(stream) DO UPDATE SET total = {totals}.total + ?",
              env.stream(), delta, delta);
        })
        .build();
  }

  static final ProjectionQuery ROWS = (reader, params) -> {
    for (String p : params.keySet()) {
      if (!p.equals("stream")) {
        throw new IllegalArgumentException("unknown parameter '" + p + "'; allowed: stream");
      }
    }
    String sql = "SELECT stream, total FROM totals" + (params.containsKey("stream") ? " WHERE stream = ?" : "")
        + " ORDER BY stream";
    ArrayNode rows = JsonNodeFactory.instance.arrayNode();
    try (PreparedStatement ps = reader.prepareStatement(sql)) {
      if (params.containsKey("stream")) {
        ps.setString(1, params.get("stream"));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.addObject().put("stream", rs.getString(1)).put("total", rs.getLong(2));
        }
      }
    }
    if (rows.isEmpty() && params.containsKey("stream")) {
      throw new NoSuchElementException("no row for stream " + params.get("stream"));
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("rows", rows);
    return out;
  };

  @Override
  public String name() {
    return "ledger";
  }

  @Override
  public Map<String, StateView> stateViews() {
    return Map.of();
  }

  @Override
  public List<HostedProjection> projections() {
    return List.of(new HostedProjection(totals(1), Optional.of(totals(2)), Map.of("rows", ROWS)));
  }

  @Override
  public List<CommandRoute<?>> commands() {
    return List.of(
        new CommandRoute<>("credit", Move.class, m -> List.of("ledger-" + m.ledgerId()),
            (store, m, ctx) -> run(store, "ledger-" + m.ledgerId(), new Credited(m.amount()), ctx)),
        new CommandRoute<>("debit", Move.class, m -> List.of("ledger-" + m.ledgerId()),
            (store, m, ctx) -> run(store, "ledger-" + m.ledgerId(), new Debited(m.amount()), ctx)));
  }

  private static CommandOutcome run(EventStore store, String stream, LedgerEvent command,
      dev.annals.cqrs.CommandContext ctx) {
    CommandResult<Long, LedgerEvent> r = new CommandHandler<>(store, DECIDER, CODEC).handle(stream, command, ctx);
    JsonNode state = JsonNodeFactory.instance.objectNode().put("balance", r.state());
    return new CommandOutcome(r.stream(), r.append(), r.repeated(), r.streamVersion(), state);
  }

  static Set<String> types() {
    return CODEC.types();
  }
}
