/**
 * Who may call what: API keys resolved to a principal with a role and stream prefixes,
 * the per-route access checks, and the browser guard (Origin/CSRF rules for the console).
 */
@NullMarked
package dev.annals.server.auth;

import org.jspecify.annotations.NullMarked;
