/**
 * The bank over the server's module host: its commands ({@code POST /commands/bank/...}) and its
 * read-model queries ({@code GET /projections/bank_.../...}).
 */
@NullMarked
package dev.annals.examples.bank.http;

import org.jspecify.annotations.NullMarked;
