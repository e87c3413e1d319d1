/**
 * The write side and the time queries: deciders, command handling, codecs and upcasters, snapshots,
 * state at a version, known at a time, valid at a time.
 */
@NullMarked
package dev.annals.cqrs;

import org.jspecify.annotations.NullMarked;
