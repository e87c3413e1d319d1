/**
 * Snapshots of folded state, kept as events in system streams ({@code $snapshot-<stream>}) through the
 * ordinary EventStore API, so every engine supports them; a policy says when to take one.
 */
@NullMarked
package dev.annals.cqrs.snapshot;

import org.jspecify.annotations.NullMarked;
