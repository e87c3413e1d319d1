/**
 * Orders paid from an account: placed, paid (a debit of the account), shipped, delivered, with
 * cancel and refund paths (a refund gives the debit back). One stream per order: {@code order-<id>}.
 */
@NullMarked
package dev.annals.examples.bank.order;

import org.jspecify.annotations.NullMarked;
