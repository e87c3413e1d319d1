package dev.annals.core;

import java.time.Instant;

/**
 * A stream's summary: how many events it has and when it last changed.
 *
 * @param version its last version (= its number of events)
 * @param lastPosition the global position of its last event
 * @param lastRecordedAt when its last event was recorded
 */
public record StreamInfo(String stream, long version, long lastPosition, Instant lastRecordedAt) {}
