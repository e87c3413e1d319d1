/**
 * What a domain module gives the server (design §6): state folds per category, served at
 * {@code GET /streams/{stream}/state}. Modules are found with {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.annals.server.spi;

import org.jspecify.annotations.NullMarked;
