package dev.annals.server.resources;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.annals.core.EventStore;
import dev.annals.kafka.ExportStatus;
import dev.annals.server.ServerMetrics;
import dev.annals.server.cluster.NodeRegistry;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.Routes;
import dev.annals.server.kafka.KafkaExportHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /health} (no key needed: {@code {"status": "ok", "engine": e, "head": n}}, or 503
 * {@code unavailable} while stopping or when the store cannot be read, saying why, e.g. that its
 * database cannot be reached) and {@code GET /metrics} (Prometheus text, any key). {@code engine} is
 * there when the server was told it ({@link dev.annals.server.ServerConfig#engine()}); {@code kafkaExport}
 * when the server runs a Kafka export ({@code topic}, {@code state}, {@code exportedPosition},
 * {@code headPosition}, {@code lag}, {@code eventsPerSecond}, and {@code failure} when it failed). A
 * failed export does not make the server unhealthy: the API still serves. Thread-safe.
 */
public final class HealthResource {

  private final EventStore store;
  private final ServerMetrics metrics;
  private final BooleanSupplier stopping;
  private final Optional<String> engine;
  private final Optional<KafkaExportHost> kafkaExport;
  private final Optional<NodeRegistry> nodes;

  public HealthResource(EventStore store, ServerMetrics metrics, BooleanSupplier stopping, Optional<String> engine) {
    this(store, metrics, stopping, engine, Optional.empty(), null);
  }

  /** @param nodes the servers sharing the store, for {@code node} and {@code nodes}; null: not listed */
  public HealthResource(EventStore store, ServerMetrics metrics, BooleanSupplier stopping, Optional<String> engine,
      Optional<KafkaExportHost> kafkaExport, @Nullable NodeRegistry nodes) {
    this.nodes = Optional.ofNullable(nodes);
    this.store = store;
    this.metrics = metrics;
    this.stopping = stopping;
    this.engine = engine;
    this.kafkaExport = kafkaExport;
  }

  public void routing(Routes routes) {
    routes.getPublic("/health", this::health)
        .get("/metrics", this::metrics);
  }

  private void health(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    Map<String, Object> named = engine.<Map<String, Object>>map(e -> Map.of("engine", e)).orElse(Map.of());
    if (stopping.getAsBoolean()) {
      throw new HttpError(503, "unavailable", "the server is shutting down", named);
    }
    long head;
    try {
      head = store.headPosition();
    } catch (RuntimeException e) {
      throw new HttpError(503, "unavailable", "the store cannot be read: " + e.getMessage(), named);
    }
    x.json(200, g -> {
      g.writeStartObject();
      g.writeStringField("status", "ok");
      if (engine.isPresent()) {
        g.writeStringField("engine", engine.get());
      }
      g.writeNumberField("head", head);
      if (nodes.isPresent()) {
        writeNodes(g, nodes.get());
      }
      if (kafkaExport.isPresent()) {
        g.writeFieldName("kafkaExport");
        writeExport(g, kafkaExport.get().status());
      }
      g.writeEndObject();
    });
  }

  /**
   * {@code node} (this server's name) and {@code nodes} (every server sharing the store: name, url, up,
   * lastSeen); when their shared database cannot be read, {@code nodes} is null and {@code nodesError} says why.
   */
  private static void writeNodes(JsonGenerator g, NodeRegistry registry) throws IOException {
    g.writeStringField("node", registry.name());
    List<NodeRegistry.Node> all;
    try {
      all = registry.nodes();
    } catch (SQLException | RuntimeException e) {
      g.writeNullField("nodes");
      g.writeStringField("nodesError", "the servers' shared database cannot be read: " + e.getMessage());
      return;
    }
    g.writeArrayFieldStart("nodes");
    for (NodeRegistry.Node n : all) {
      g.writeStartObject();
      g.writeStringField("name", n.name());
      g.writeStringField("url", n.url());
      g.writeBooleanField("up", n.up());
      g.writeStringField("lastSeen", n.lastSeen().toString());
      g.writeBooleanField("self", n.self());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeExport(JsonGenerator g, ExportStatus s) throws IOException {
    g.writeStartObject();
    g.writeStringField("topic", s.topic());
    g.writeStringField("state", s.state().name().toLowerCase(Locale.ROOT));
    g.writeNumberField("exportedPosition", s.exportedPosition());
    g.writeNumberField("headPosition", s.headPosition());
    g.writeNumberField("lag", s.lag());
    g.writeNumberField("eventsPerSecond", Math.round(s.eventsPerSecond() * 10) / 10.0);
    if (s.failure().isPresent()) {
      g.writeStringField("failure", s.failure().get());
    }
    g.writeEndObject();
  }

  private void metrics(Exchange x) {
    x.allowOnly(Set.of());
    x.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
