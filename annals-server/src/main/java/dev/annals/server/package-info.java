/**
 * The Annals HTTP server (docs/http-api.md): JSON routes and Server-Sent Events over any
 * {@link dev.annals.core.EventStore}, with API-key auth, request limits and Prometheus metrics.
 * Plain Jetty core, one class per resource, every route declared in {@link dev.annals.server.AnnalsServer}.
 * This package holds what embedders use (the server, its config, its metrics); the parts live in
 * {@code http} (request plumbing), {@code auth}, {@code sse}, {@code projections}, {@code resources}
 * (one class per route group) and {@code verify}.
 */
@NullMarked
package dev.annals.server;

import org.jspecify.annotations.NullMarked;
