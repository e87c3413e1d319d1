package dev.annals.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link HttpEventStore} talks to its server: the API key it sends (none by default), the time
 * each request and its whole response may take (60 s by default), and the {@link HttpClient} it uses
 * (by default one of its own, closed with it; a caller's is left open). Immutable.
 */
public final class ClientOptions {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  private static final ClientOptions DEFAULTS = new ClientOptions(null, DEFAULT_TIMEOUT, null);

  private final @Nullable String apiKey;
  private final Duration timeout;
  private final @Nullable HttpClient http;

  private ClientOptions(@Nullable String apiKey, Duration timeout, @Nullable HttpClient http) {
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.http = http;
  }

  /** No API key, 60 s per request, an HTTP client of the store's own. */
  public static ClientOptions defaults() {
    return DEFAULTS;
  }

  /** The defaults with an API key. */
  public static ClientOptions apiKey(String key) {
    return DEFAULTS.withApiKey(key);
  }

  /** Sends {@code key} as a bearer token. */
  public ClientOptions withApiKey(String key) {
    return new ClientOptions(Objects.requireNonNull(key, "key"), timeout, http);
  }

  /** Each request and its whole response within {@code newTimeout}. */
  public ClientOptions withTimeout(Duration newTimeout) {
    return new ClientOptions(apiKey, Objects.requireNonNull(newTimeout, "timeout"), http);
  }

  /** Uses the caller's client, which closing the store leaves open. */
  public ClientOptions withHttpClient(HttpClient client) {
    return new ClientOptions(apiKey, timeout, Objects.requireNonNull(client, "client"));
  }

  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  public Duration timeout() {
    return timeout;
  }

  /** The caller's client; empty when the store makes (and closes) its own. */
  public Optional<HttpClient> httpClient() {
    return Optional.ofNullable(http);
  }
}
