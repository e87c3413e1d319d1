/**
 * The embedded durable log: Annals' default storage engine (segments, group commit, indexes, recovery,
 * hash chain). Entry point: {@link dev.annals.log.Annals}.
 */
@NullMarked
package dev.annals.log;

import org.jspecify.annotations.NullMarked;
