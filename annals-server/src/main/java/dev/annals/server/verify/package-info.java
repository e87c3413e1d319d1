/**
 * Store verification behind the admin verify route: the {@code Verifier} seam, the scanning
 * implementation that re-checks every event and the hash chain, and its report.
 */
@NullMarked
package dev.annals.server.verify;

import org.jspecify.annotations.NullMarked;
