/**
 * The read side (docs/projections.md): projections with checkpoints committed with their read model, inline and
 * asynchronous runners, stream-partitioned handling, parking, lag, blue/green rebuilds and as-of builds.
 */
@NullMarked
package dev.annals.cqrs.projection;

import org.jspecify.annotations.NullMarked;
