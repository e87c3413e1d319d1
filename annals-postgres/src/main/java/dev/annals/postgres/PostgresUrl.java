package dev.annals.postgres;

import dev.annals.core.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A store URL taken apart: where the database is (a JDBC URL without credentials), as whom to connect,
 * and the optional schema. Two forms are accepted:
 * <ul>
 *   <li>{@code postgresql://USER@HOST[:PORT]/DB[?schema=NAME&sslmode=...]} (also {@code postgres://}),
 *       the form {@code psql} and libpq take;
 *   <li>{@code jdbc:postgresql://HOST[:PORT]/DB?user=USER[&schema=NAME&...]}, pgjdbc's form.
 * </ul>
 * Other query parameters go to the driver untouched. A URL carrying a password is refused: a password on
 * a command line shows in process listings and shell history. It comes from {@code PGPASSWORD}, else the
 * driver reads the password file ({@code PGPASSFILE}, default {@code ~/.pgpass}) itself. The user, when
 * the URL names none, is {@code PGUSER}, else the operating system's user (as libpq does).
 *
 * <p>Immutable; {@link #toString()} never shows a password.
 */
public final class PostgresUrl {

  static final int DEFAULT_PORT = 5432;

  private final String jdbcUrl;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final Optional<String> password;
  private final Optional<String> schema;

  private PostgresUrl(String jdbcUrl, String host, int port, String database, String user,
      Optional<String> password, Optional<String> schema) {
    this.jdbcUrl = jdbcUrl;
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.schema = schema;
  }

  /** True when {@code url} is one of the PostgreSQL forms (it may still be malformed). */
  public static boolean isPostgres(String url) {
    return url.startsWith("postgresql:") || url.startsWith("postgres:") || url.startsWith("jdbc:postgresql:");
  }

  /** Parses {@code url}, taking the password and default user from this process's environment. */
  public static PostgresUrl parse(String url) {
    return parse(url, System.getenv());
  }

  /**
   * Parses {@code url}, taking {@code PGPASSWORD} and {@code PGUSER} from {@code env}.
   *
   * @throws InvalidInputException the URL is not a PostgreSQL store URL, is malformed, or carries a password
   */
  public static PostgresUrl parse(String url, Map<String, String> env) {
    boolean jdbc = url.startsWith("jdbc:postgresql://");
    boolean libpq = url.startsWith("postgresql://") || url.startsWith("postgres://");
    if (!jdbc && !libpq) {
      throw new InvalidInputException("a PostgreSQL store URL starts with postgresql:// (postgresql://USER@HOST:PORT/DB)"
          + " or jdbc:postgresql://");
    }
    URI uri;
    try {
      uri = new URI(jdbc ? url.substring("jdbc:".length()) : url);
    } catch (URISyntaxException e) {
      throw new InvalidInputException("the store URL is malformed: " + e.getReason()
          + " (expected postgresql://USER@HOST:PORT/DB)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new InvalidInputException("the store URL names no host (expected postgresql://USER@HOST:PORT/DB)");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty() || database.contains("/")) {
      throw new InvalidInputException("the store URL names no database (expected postgresql://USER@HOST:PORT/DB)");
    }
    Map<String, String> params = query(uri.getRawQuery());
    if (params.containsKey("password") || (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":"))) {
      throw new InvalidInputException("the store URL carries a password, which would show in process listings and"
          + " shell history: remove it, and set PGPASSWORD or add a line host:port:database:user:password to"
          + " ~/.pgpass (or the file PGPASSFILE names)");
    }
    if (jdbc && uri.getRawUserInfo() != null) {
      throw new InvalidInputException("a jdbc:postgresql:// URL names its user as ?user=NAME, not before the host");
    }
    String user = jdbc ? params.remove("user") : uri.getUserInfo();
    if (user == null || user.isEmpty()) {
      user = Optional.ofNullable(env.get("PGUSER")).filter(u -> !u.isEmpty())
          .orElseGet(() -> System.getProperty("user.name", "postgres"));
    }
    Optional<String> schema = Optional.ofNullable(params.remove("schema"));
    schema.ifPresent(PostgresOptions::validateSchema);
    StringBuilder j = new StringBuilder("jdbc:postgresql://");
    j.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host).append(':').append(port)
        .append('/').append(URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20"));
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      j.append(sep).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    Optional<String> password = Optional.ofNullable(env.get("PGPASSWORD")).filter(p -> !p.isEmpty());
    return new PostgresUrl(j.toString(), host, port, database, user, password, schema);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(key, value);
    }
    return out;
  }

  /** The JDBC URL the driver connects to: no user, no password, no schema. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  /** From {@code PGPASSWORD}; empty means the driver looks in the password file. */
  Optional<String> password() {
    return password;
  }

  /** The schema the URL names ({@code ?schema=NAME}), if any. */
  public Optional<String> schema() {
    return schema;
  }

  /** Where the store is, for messages: {@code postgresql://USER@HOST:PORT/DB}; never a password. */
  @Override
  public String toString() {
    return "postgresql://" + user + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
  }
}
