/**
 * The bank's read models as projections on a JDBC target (SQLite by default): balances, account
 * statements (a buggy v1 and its fix, v2, for the rebuild demo), daily totals and orders by status;
 * and {@link dev.annals.examples.bank.projection.BankReadModels} to query them.
 */
@NullMarked
package dev.annals.examples.bank.projection;

import org.jspecify.annotations.NullMarked;
