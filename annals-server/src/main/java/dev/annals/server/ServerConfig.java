package dev.annals.server;

import dev.annals.server.auth.ApiKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the server listens and what it accepts. Immutable; start from {@link #defaults()} and use the
 * {@code with...} methods.
 *
 * @param host interface to bind; without {@code apiKeys} it must be a loopback address unless {@code insecure}
 * @param port TCP port; 0 picks a free one
 * @param apiKeys the auth file's keys; absent: no authentication (loopback only, or {@code insecure})
 * @param insecure allow binding a non-loopback address without authentication
 * @param tls serve HTTPS from a keystore
 * @param maxRequestBytes largest request body (413 {@code payload_too_large} above)
 * @param defaultLimit page size when a read gives no {@code limit}
 * @param maxLimit largest {@code limit} a read may ask for
 * @param heartbeat SSE heartbeat interval
 * @param idleTimeout a connection that accepts or sends nothing for this long is closed; this is also how
 *     long a blocked SSE write may wait for a client that stopped reading
 * @param stopTimeout how long a graceful stop waits for in-flight requests
 * @param auditMaxScan events one {@code /audit} request examines at most before returning a {@code next}
 * @param rateLimit requests per second per API key (per remote address without auth); absent: no limit
 * @param slowSubscriberTimeout a {@code /subscribe/all} client that has caught up once and then falls
 *     behind the server's buffer of recent events (so that it reads from the log) and stays behind for
 *     this long gets a final {@code too_slow} error event and is disconnected
 * @param engine the store's engine as {@code /health} names it ({@code log}, {@code postgresql},
 *     {@code memory}); absent: {@code /health} names none
 * @param nodeName this server's name among the servers sharing one store (status, {@code /health},
 *     the console's node list); absent: {@code HOST:PORT} as bound
 */
public record ServerConfig(
    String host,
    int port,
    Optional<ApiKeys> apiKeys,
    boolean insecure,
    Optional<Tls> tls,
    long maxRequestBytes,
    int defaultLimit,
    int maxLimit,
    Duration heartbeat,
    Duration idleTimeout,
    Duration stopTimeout,
    int auditMaxScan,
    Optional<RateLimit> rateLimit,
    Duration slowSubscriberTimeout,
    Optional<String> engine,
    Optional<String> nodeName) {

  /**
   * A token bucket per caller: {@code burst} requests at once, refilled at {@code perSecond}.
   * Over it: 429 {@code rate_limited} with {@code Retry-After}.
   */
  public record RateLimit(double perSecond, int burst) {
    public RateLimit {
      if (!(perSecond > 0) || burst < 1) {
        throw new IllegalArgumentException("a rate limit needs perSecond > 0 and burst >= 1, was " + perSecond
            + "/s, burst " + burst);
      }
    }
  }

  /** A keystore (PKCS12 or JKS) holding the server's key and certificate. */
  public record Tls(Path keyStore, String password) {}

  public static final int DEFAULT_PORT = 7070;

  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", DEFAULT_PORT, Optional.empty(), false, Optional.empty(),
        64L << 20, 100, 10_000, Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(10), 100_000,
        Optional.empty(), Duration.ofSeconds(60), Optional.empty(), Optional.empty());
  }

  public ServerConfig withHost(String h) {
    return new ServerConfig(h, port, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        idleTimeout, stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(host, p, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        idleTimeout, stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withApiKeys(ApiKeys keys) {
    return new ServerConfig(host, port, Optional.of(keys), insecure, tls, maxRequestBytes, defaultLimit, maxLimit,
        heartbeat, idleTimeout, stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withInsecure(boolean i) {
    return new ServerConfig(host, port, apiKeys, i, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        idleTimeout, stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withTls(Tls t) {
    return new ServerConfig(host, port, apiKeys, insecure, Optional.of(t), maxRequestBytes, defaultLimit, maxLimit,
        heartbeat, idleTimeout, stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withMaxRequestBytes(long n) {
    return new ServerConfig(host, port, apiKeys, insecure, tls, n, defaultLimit, maxLimit, heartbeat, idleTimeout,
        stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withHeartbeat(Duration d) {
    return new ServerConfig(host, port, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, d,
        idleTimeout, stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withIdleTimeout(Duration d) {
    return new ServerConfig(host, port, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        d, stopTimeout, auditMaxScan, rateLimit,
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withRateLimit(RateLimit r) {
    return new ServerConfig(host, port, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        idleTimeout, stopTimeout, auditMaxScan, Optional.of(r),
        slowSubscriberTimeout, engine, nodeName);
  }

  public ServerConfig withSlowSubscriberTimeout(Duration d) {
    return new ServerConfig(host, port, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        idleTimeout, stopTimeout, auditMaxScan, rateLimit, d, engine, nodeName);
  }

  /** Names the store's engine in {@code /health} (e.g. {@code postgresql}). */
  public ServerConfig withEngine(String e) {
    return new ServerConfig(host, port, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        idleTimeout, stopTimeout, auditMaxScan, rateLimit, slowSubscriberTimeout, Optional.of(e), nodeName);
  }

  /** Names this server among the servers sharing one store. */
  public ServerConfig withNodeName(String n) {
    if (n == null || n.isBlank() || n.length() > 64) {
      throw new IllegalArgumentException("a node name needs 1 to 64 characters, was '" + n + "'");
    }
    return new ServerConfig(host, port, apiKeys, insecure, tls, maxRequestBytes, defaultLimit, maxLimit, heartbeat,
        idleTimeout, stopTimeout, auditMaxScan, rateLimit, slowSubscriberTimeout, engine, Optional.of(n));
  }
}
