package dev.annals.e2e;

import dev.annals.core.EventData;
import dev.annals.core.EventStore;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.ImportEvent;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.server.AnnalsServer;
import dev.annals.server.ServerConfig;
import dev.annals.server.auth.ApiKeys;
import dev.annals.server.verify.ScanVerifier;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A real Annals server, in process, over an in-memory store seeded with demo-like history imported
 * with its original times: two accounts (one with a retroactive correction that revokes a deposit),
 * and an order whose payment events form one correlation with a causation chain.
 *
 * <p>account-1, recorded 3 h ago onwards: v1 AccountOpened, v2 Deposited 100 (+10 min),
 * v3 Deposited 50 (+20 min), v4 Withdrawn 30 (+30 min), v5 DepositCorrected 10 (+60 min, effective
 * at +10 min, revokes v2). Not thread-safe to build; the server itself is.
 */
final class DemoServer implements AutoCloseable {

  final EventStore store = new InMemoryEventStore();
  final AnnalsServer server;
  final Instant base = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
  final UUID deposit100 = UUID.randomUUID();
  final UUID orderPlaced = UUID.randomUUID();
  private final List<ImportEvent> history = new ArrayList<>();

  DemoServer(Optional<ApiKeys> keys) throws Exception {
    seed();
    store.importEvents(history);
    ServerConfig config = ServerConfig.defaults().withPort(0);
    this.server = new AnnalsServer(store, keys.map(config::withApiKeys).orElse(config), new ScanVerifier(store, true)).start();
  }

  String url() {
    return server.uri().toString();
  }

  private void seed() {
    String open = "{\"actor\":\"ada\",\"correlationId\":\"corr-open-1\",\"commandId\":\"cmd-open-1\",\"causationId\":\"cmd-open-1\"}";
    add("account-1", UUID.randomUUID(), "AccountOpened", "{\"owner\":\"ada\"}", open, 0, Optional.empty());
    add("account-1", deposit100, "Deposited", "{\"amount\":100}", meta("ada", "corr-dep-1", "cmd-dep-1"), 10, Optional.empty());
    add("account-2", UUID.randomUUID(), "AccountOpened", "{\"owner\":\"grace\"}", meta("grace", "corr-open-2", "cmd-open-2"), 12, Optional.empty());
    add("account-1", UUID.randomUUID(), "Deposited", "{\"amount\":50}", meta("ada", "corr-dep-2", "cmd-dep-2"), 20, Optional.empty());
    add("account-1", UUID.randomUUID(), "Withdrawn", "{\"amount\":30}", meta("ada", "corr-wd-1", "cmd-wd-1"), 30, Optional.empty());
    // The order's correlation: placed by alice (a command), then payment events each caused by the one before.
    add("order-1", orderPlaced, "OrderPlaced", "{\"total\":42}",
        "{\"actor\":\"alice\",\"correlationId\":\"corr-order-1\",\"commandId\":\"cmd-order-1\",\"causationId\":\"cmd-order-1\"}", 40, Optional.empty());
    UUID requested = UUID.randomUUID();
    add("payment-1", requested, "PaymentRequested", "{\"amount\":42}",
        "{\"actor\":\"payments\",\"correlationId\":\"corr-order-1\",\"causationId\":\"" + orderPlaced + "\"}", 41, Optional.empty());
    UUID captured = UUID.randomUUID();
    add("payment-1", captured, "PaymentCaptured", "{\"amount\":42}",
        "{\"actor\":\"payments\",\"correlationId\":\"corr-order-1\",\"causationId\":\"" + requested + "\"}", 42, Optional.empty());
    add("order-1", UUID.randomUUID(), "OrderConfirmed", "{}",
        "{\"actor\":\"payments\",\"correlationId\":\"corr-order-1\",\"causationId\":\"" + captured + "\"}", 43, Optional.empty());
    // The correction: recorded an hour in, in effect from the original deposit's time, voiding it.
    add("account-1", UUID.randomUUID(), "DepositCorrected", "{\"amount\":10}",
        "{\"actor\":\"bob\",\"reason\":\"the deposit was 10, not 100\",\"correlationId\":\"corr-fix-1\",\"revokes\":[\"" + deposit100 + "\"]}",
        60, Optional.of(base.plus(Duration.ofMinutes(10))));
  }

  private static String meta(String actor, String correlationId, String commandId) {
    return "{\"actor\":\"" + actor + "\",\"correlationId\":\"" + correlationId + "\",\"commandId\":\"" + commandId
        + "\",\"causationId\":\"" + commandId + "\"}";
  }

  private void add(String stream, UUID id, String type, String data, String metadata, int minutes, Optional<Instant> effectiveAt) {
    EventData e = new EventData(id, type, Json.of(data), Json.of(metadata), effectiveAt);
    history.add(new ImportEvent(stream, e, base.plus(Duration.ofMinutes(minutes))));
  }

  /** Appends one live event now. */
  void append(String stream, String type, String data) {
    store.append(stream, ExpectedVersion.ANY, EventData.of(type, data));
  }

  @Override
  public void close() throws Exception {
    server.stop();
    store.close();
  }
}
