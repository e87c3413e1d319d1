package dev.annals.cqrs.projection;

import java.time.Instant;

/**
 * An event a projection could not apply after its retries, kept with its error until replayed.
 *
 * @param attempts how many times it was tried
 */
public record ParkedEvent(long position, String stream, String type, String error, int attempts, Instant parkedAt) {}
