package dev.annals.examples.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.EventStore;
import dev.annals.cqrs.StateFold;
import dev.annals.cqrs.StateQueries;
import dev.annals.cqrs.codec.EventCodec;
import dev.annals.cqrs.codec.Mappers;
import dev.annals.examples.bank.account.AccountDecider;
import dev.annals.examples.bank.order.OrderDecider;
import dev.annals.examples.bank.transfer.TransferDecider;
import dev.annals.server.spi.ServerModule;
import dev.annals.server.spi.StateQuery;
import dev.annals.server.spi.StateView;
import java.util.Map;
import java.util.Optional;

/**
 * The bank as a server module: the account, transfer and order folds, served at
 * {@code GET /streams/{stream}/state}. Registered in
 * {@code META-INF/services/dev.annals.server.spi.ServerModule}. Thread-safe (stateless; the mapper is
 * only used to write).
 */
public final class BankModule implements ServerModule {

  private static final ObjectMapper JSON = Mappers.strictRecords();

  @Override
  public String name() {
    return "bank";
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
      StateQueries<S, E> q = new StateQueries<>(store, codec, fold, Optional.empty());
      S state = switch (query) {
        case StateQuery.Latest l -> q.stateAt(stream, store.streamVersion(stream));
        case StateQuery.AtVersion v -> q.stateAt(stream, v.version());
        case StateQuery.KnownAt k -> q.stateKnownAt(stream, k.knownAt());
        case StateQuery.ValidAt v -> q.stateValidAt(stream, v.validAt(), v.knownAt());
      };
      return json(state);
    };
  }

  /** The state's record as JSON, with its case ({@code Open}, {@code Closed}, ...) under {@code "case"}. */
  private static JsonNode json(Object state) {
    JsonNode body = JSON.valueToTree(state);
    ObjectNode out = JSON.createObjectNode().put("case", state.getClass().getSimpleName());
    if (body.isObject()) {
      out.setAll((ObjectNode) body);
    } else {
      out.set("value", body);
    }
    return out;
  }
}
