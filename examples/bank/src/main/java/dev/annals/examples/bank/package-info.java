/**
 * The bank example: accounts, transfers between them and orders paid from them, as pure deciders
 * over sealed records, plus the processes and the seeded history behind {@code annals demo}.
 * Money is always a {@code long} number of cents.
 */
@NullMarked
package dev.annals.examples.bank;

import org.jspecify.annotations.NullMarked;
