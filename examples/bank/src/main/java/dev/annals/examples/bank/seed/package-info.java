/**
 * The seeded history behind the demo: months of accounts, transfers, fees, a corrected fee and
 * orders, deterministic from a seed, produced by the bank's own deciders and processes and written
 * through {@code EventStore.importEvents} with their original times.
 */
@NullMarked
package dev.annals.examples.bank.seed;

import org.jspecify.annotations.NullMarked;
