/**
 * The PostgreSQL storage engine: the same {@link dev.annals.core.EventStore} on a database that many
 * processes share (docs/postgres.md), and {@link dev.annals.postgres.LocalPostgres}, a throwaway server
 * started from the machine's PostgreSQL binaries for tests, benchmarks and demos.
 */
@NullMarked
package dev.annals.postgres;

import org.jspecify.annotations.NullMarked;
