/**
 * One class per route group (streams, all, audit, commands, state, projections, admin, health,
 * console); each declares its routes and handles them over an {@code Exchange}.
 */
@NullMarked
package dev.annals.server.resources;

import org.jspecify.annotations.NullMarked;
