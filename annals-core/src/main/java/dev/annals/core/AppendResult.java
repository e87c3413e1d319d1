package dev.annals.core;

import java.time.Instant;

/**
 * The outcome of a successful append (or of its idempotent retry, which returns the original).
 *
 * @param firstVersion version of the first event written
 * @param lastVersion the stream's new last version
 * @param firstPosition global position of the first event written
 * @param lastPosition global position of the last event written
 * @param recordedAt the commit time shared by all events of the append
 */
public record AppendResult(
    String stream,
    long firstVersion,
    long lastVersion,
    long firstPosition,
    long lastPosition,
    Instant recordedAt) {}
