package dev.annals.server.http;

import dev.annals.server.ServerConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per second per caller, as token buckets: each caller (an API key, or a remote address
 * without auth) has {@code burst} tokens, refilled at {@code perSecond}; a request takes one or is
 * refused with the time until one is back. Buckets of idle callers are dropped when many accumulate.
 * Thread-safe.
 */
public final class RateLimiter {

  private static final int MAX_IDLE_BUCKETS = 10_000;

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** One caller's tokens (guarded by itself). */
  private final class Bucket {
    private double tokens = burst;
    private long last = nanoTime.getAsLong();

    synchronized long take() {
      long now = nanoTime.getAsLong();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perSecond * 1e9);
    }

    synchronized boolean full() {
      return tokens + (nanoTime.getAsLong() - last) / 1e9 * perSecond >= burst;
    }
  }

  public RateLimiter(ServerConfig.RateLimit limit, LongSupplier nanoTime) {
    this.perSecond = limit.perSecond();
    this.burst = limit.burst();
    this.nanoTime = nanoTime;
  }

  /**
   * Takes a token for {@code caller}.
   *
   * @return 0 when allowed; otherwise nanoseconds until a token is back
   */
  public long take(String caller) {
    if (buckets.size() > MAX_IDLE_BUCKETS) {
      buckets.values().removeIf(Bucket::full);
    }
    return buckets.computeIfAbsent(caller, c -> new Bucket()).take();
  }
}
