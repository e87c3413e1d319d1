/**
 * The Annals HTTP server (docs/http-api.md): JSON routes and Server-Sent Events over any
 * {@link dev.annals.core.EventStore}, with API-key auth, request limits and Prometheus metrics.
 * Plain Jetty core, one class per resource, every route declared in {@link dev.annals.server.AnnalsServer}.
 */
@NullMarked
package dev.annals.server;

import org.jspecify.annotations.NullMarked;
