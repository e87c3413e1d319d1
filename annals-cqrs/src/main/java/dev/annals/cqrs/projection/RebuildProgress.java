package dev.annals.cqrs.projection;

import java.time.Duration;
import java.util.Optional;

/**
 * Progress of a build: events applied since it started, positions still to go to the head, the rate
 * and the estimated time to catch up (absent before the first measurable rate).
 */
public record RebuildProgress(long done, long toGo, double eventsPerSecond, Optional<Duration> eta, boolean caughtUp) {}
