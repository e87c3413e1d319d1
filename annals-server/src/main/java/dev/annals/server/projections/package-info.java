/**
 * Server-hosted projections: the host and per-projection supervisor, their lifecycle phases and
 * snapshots, SQLite read-model targets, and as-of (point-in-time) queries with their cache.
 */
@NullMarked
package dev.annals.server.projections;

import org.jspecify.annotations.NullMarked;
