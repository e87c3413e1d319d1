package dev.annals.examples.bank;

import com.fasterxml.jackson.databind.JsonNode;
import dev.annals.core.EventStore;
import dev.annals.cqrs.StateFold;
import dev.annals.cqrs.StateQueries;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.transfer.TransferDecider;
import dev.annals.examples.bank.http.BankCommands;
import dev.annals.examples.bank.http.BankQueries;
import dev.annals.examples.bank.projection.BankProjections;
import dev.annals.module.CommandRoute;
import dev.annals.module.HostedProjection;
import dev.annals.module.ServerModule;
import dev.annals.module.StateQuery;
import dev.annals.module.StateView;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bank as a server module: the account, transfer and order folds, served at
 * {@code GET /streams/{stream}/state}; its projections (statements v1, with v2 as the next version a
 * rebuild builds) and their queries ({@link BankQueries}); its commands ({@link BankCommands}).
 * Registered in
 * {@code META-INF/services/dev.annals.module.ServerModule}. Thread-safe (stateless; the mapper is
 * only used to write).
 */
public final class BankModule implements ServerModule {

  @Override
  public String name() {
    return "bank";
  }

  @Override
  public List<HostedProjection> projections() {
    return List.of(
        new HostedProjection(BankProjections.balances(), Optional.empty(), Map.of("rows", BankQueries.BALANCES)),
        new HostedProjection(BankProjections.statementsV1(), Optional.of(BankProjections.statementsV2()),
            Map.of("lines", BankQueries.STATEMENT)),
        new HostedProjection(BankProjections.dailyTotals(), Optional.empty(), Map.of("days", BankQueries.DAILY_TOTALS)),
        new HostedProjection(BankProjections.orders(), Optional.empty(), Map.of("counts", BankQueries.ORDER_COUNTS)));
  }

  @Override
  public List<CommandRoute<?>> commands() {
    return BankCommands.routes();
  }

  @Override
  public Map<String, StateView> stateViews() {
    return Map.of(
        AccountDecider.CATEGORY, view(BankCodecs.accounts(), AccountDecider.decider().fold()),
        TransferDecider.CATEGORY, view(BankCodecs.transfers(), TransferDecider.decider().fold()),
        OrderDecider.CATEGORY, view(BankCodecs.orders(), OrderDecider.decider().fold()));
  }

  private static <S, E> StateView view(EventCodec<E> codec, StateFold<S, E> fold) {
    return (EventStore store, String stream, StateQuery query) -> {
      StateQueries<S, E> q = new StateQueries<>(store, codec, fold);
      S state = switch (query) {
        case StateQuery.Latest l -> q.stateAt(stream, store.streamVersion(stream));
        case StateQuery.AtVersion v -> q.stateAt(stream, v.version());
        case StateQuery.KnownAt k -> q.stateKnownAt(stream, k.knownAt());
        case StateQuery.ValidAt v -> q.stateValidAt(stream, v.validAt(), v.knownAt());
      };
      return json(state);
    };
  }

  private static JsonNode json(Object state) {
    return BankCommands.state(state);
  }
}
