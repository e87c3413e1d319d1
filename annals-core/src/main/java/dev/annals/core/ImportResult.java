package dev.annals.core;

/** The outcome of an import: the global positions it occupies. */
public record ImportResult(int count, long firstPosition, long lastPosition) {}
