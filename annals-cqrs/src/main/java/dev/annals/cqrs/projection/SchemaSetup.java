package dev.annals.cqrs.projection;

/**
 * Creates a projection version's storage (e.g. {@code CREATE TABLE IF NOT EXISTS {balances} ...}).
 * Runs once per open, in a transaction, and must be idempotent.
 */
@FunctionalInterface
public interface SchemaSetup<S> {

  void create(S session) throws Exception;
}
