package dev.annals.server.http;

/**
 * Page sizes of the read routes: {@code limit} defaults to {@code defaultLimit} and may not exceed
 * {@code maxLimit} (a larger one is an invalid request, not silently cut). Immutable.
 */
public record ReadLimits(int defaultLimit, int maxLimit) {

  public int limit(Exchange x) {
    long n = x.queryLong("limit", defaultLimit, 1);
    if (n > maxLimit) {
      throw HttpError.invalid("limit must be <= " + maxLimit + ", was " + n);
    }
    return (int) n;
  }
}
