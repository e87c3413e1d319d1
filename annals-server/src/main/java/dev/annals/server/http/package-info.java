/**
 * HTTP plumbing shared by every route: the per-request {@code Exchange}, route table, JSON wire format,
 * error responses, body parsing, paging limits and the per-key rate limiter.
 */
@NullMarked
package dev.annals.server.http;

import org.jspecify.annotations.NullMarked;
