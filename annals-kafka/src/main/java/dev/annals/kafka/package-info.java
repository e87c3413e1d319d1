/**
 * Annals on Kafka: an exporter that publishes a store's global log to a topic exactly once, in the
 * CloudEvents 1.0 Kafka binding (binary mode), and projections fed from that topic by consumer groups.
 * See docs/kafka.md.
 */
package dev.annals.kafka;
