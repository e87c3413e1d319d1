/**
 * The web console's static assets (HTML, CSS, JavaScript modules; no build step) and
 * {@link dev.annals.console.ConsoleAssets}, which finds them by request path so a server can serve them.
 */
@NullMarked
package dev.annals.console;

import org.jspecify.annotations.NullMarked;
