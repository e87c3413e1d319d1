/**
 * Server-Sent Events: live subscription sessions and their feeds, with catch-up, heartbeats,
 * slow-subscriber eviction, and the subscriptions route that opens them.
 */
@NullMarked
package dev.annals.server.sse;

import org.jspecify.annotations.NullMarked;
