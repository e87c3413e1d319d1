package dev.annals.server.resources;

import dev.annals.core.EventStore;
import dev.annals.server.ServerMetrics;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.Routes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (no key needed: {@code {"status": "ok", "head": n}}, or 503 {@code unavailable}
 * while stopping or when the store cannot be read) and {@code GET /metrics} (Prometheus text, any
 * key). Thread-safe.
 */
public final class HealthResource {

  private final EventStore store;
  private final ServerMetrics metrics;
  private final BooleanSupplier stopping;

  public HealthResource(EventStore store, ServerMetrics metrics, BooleanSupplier stopping) {
    this.store = store;
    this.metrics = metrics;
    this.stopping = stopping;
  }

  public void routing(Routes routes) {
    routes.getPublic("/health", this::health)
        .get("/metrics", this::metrics);
  }

  private void health(Exchange x) throws IOException {
    x.allowOnly(Set.of());
    if (stopping.getAsBoolean()) {
      throw new HttpError(503, "unavailable", "the server is shutting down");
    }
    long head;
    try {
      head = store.headPosition();
    } catch (RuntimeException e) {
      throw new HttpError(503, "unavailable", "the store cannot be read: " + e.getMessage());
    }
    x.json(200, g -> {
      g.writeStartObject();
      g.writeStringField("status", "ok");
      g.writeNumberField("head", head);
      g.writeEndObject();
    });
  }

  private void metrics(Exchange x) {
    x.allowOnly(Set.of());
    x.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
