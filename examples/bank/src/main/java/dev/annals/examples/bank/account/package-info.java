/**
 * Accounts: open, deposit, withdraw (never below zero), fees and their corrections, the debit and
 * credit legs of transfers and payments, close. One stream per account: {@code account-<id>}.
 */
@NullMarked
package dev.annals.examples.bank.account;

import org.jspecify.annotations.NullMarked;
