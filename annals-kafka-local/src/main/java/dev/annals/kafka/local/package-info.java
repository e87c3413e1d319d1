/**
 * A throwaway Kafka in this JVM (Kafka's own KRaft test kit), for tests, benchmarks and demos. Not for
 * production: one node, replication factor 1, files in a temporary directory.
 */
package dev.annals.kafka.local;
