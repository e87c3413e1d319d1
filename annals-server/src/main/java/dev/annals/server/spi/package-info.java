/**
 * What a domain module gives the server (design §6): state folds per category
 * ({@code GET /streams/{stream}/state}), projections with query routes ({@code /projections/...}) and
 * commands ({@code POST /commands/{module}/{command}}). Modules are found with {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.annals.server.spi;

import org.jspecify.annotations.NullMarked;
