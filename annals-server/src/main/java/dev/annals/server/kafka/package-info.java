/**
 * The Kafka exporter a server runs beside its API ({@code annals serve --kafka-export ...}): started with
 * the server on the server's own store, watched (its status in {@code /health}, {@code /metrics} and the
 * console) and stopped with it; a failing export never takes the server down.
 */
@NullMarked
package dev.annals.server.kafka;

import org.jspecify.annotations.NullMarked;
