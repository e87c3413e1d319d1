/**
 * Transfers between accounts as a restartable process: the {@code transfer-<id>} stream records
 * its progress, {@link dev.annals.examples.bank.transfer.TransferStep#next} says what to do next,
 * and every step is idempotent, so a crash between steps is repaired by running the process again.
 */
@NullMarked
package dev.annals.examples.bank.transfer;

import org.jspecify.annotations.NullMarked;
