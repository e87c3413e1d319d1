package dev.annals.server.auth;

import dev.annals.server.ServerConfig;
import dev.annals.server.http.HttpError;
import dev.annals.server.http.WireJson;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses the requests a web page could make its visitor's browser send to this server. A browser
 * on the machine that runs a server without an auth file (where every caller is an admin) is a caller
 * on loopback, and it goes where any page it opens sends it:
 * <ul>
 *   <li><b>Cross-origin writes</b> (CSRF): a page from another origin may POST to
 *       {@code http://127.0.0.1:7070/...} without asking (an HTML form, or a {@code fetch} with a
 *       {@code text/plain} body), though it cannot read the answer. Every route but {@code GET},
 *       {@code HEAD} and {@code OPTIONS} is refused (403) when the browser says the request is
 *       cross-site ({@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}) or, from a
 *       browser that does not send that header, when its {@code Origin} is not this server's scheme
 *       and the {@code Host} it addressed. Programs (curl, the Java client, the CLI) send neither header and are not affected;
 *       nor is the console, served from the same origin. This check holds with an auth file too.
 *   <li><b>Framing</b> (clickjacking): a page could show the console in a frame under a decoy and have
 *       its visitor click the console's own buttons (same-origin requests). Every response says it may
 *       not be framed ({@link #FRAME_HEADERS}).
 *   <li><b>DNS rebinding</b>: a page whose own name is made to resolve to 127.0.0.1 is same-origin
 *       with what it reaches, so it may read answers too. Without an auth file and without
 *       {@code --insecure}, a request must address the server by a loopback name: {@code Host} is
 *       {@code localhost} (or a name under {@code .localhost}), an IPv4 address in 127.0.0.0/8,
 *       {@code [::1]}, or the host the server was told to bind; any other is refused (403).
 * </ul>
 * Immutable and thread-safe.
 */
public final class BrowserGuard {

  /** Headers on every response: no page may frame this server's (the console's) pages. */
  public static final java.util.Map<String, String> FRAME_HEADERS = java.util.Map.of(
      "X-Frame-Options", "DENY", "Content-Security-Policy", "frame-ancestors 'none'");

  private final boolean loopbackNamesOnly;
  private final String boundHost;
  private final String scheme;

  /**
   * @param loopbackNamesOnly whether {@code Host} must be a loopback name (no auth file, not {@code --insecure})
   * @param boundHost the host the server binds, accepted as a {@code Host} name too
   * @param tls whether the server speaks HTTPS (its pages' origins are {@code https://})
   */
  BrowserGuard(boolean loopbackNamesOnly, String boundHost, boolean tls) {
    this.loopbackNamesOnly = loopbackNamesOnly;
    this.boundHost = stripBrackets(boundHost.toLowerCase(Locale.ROOT));
    this.scheme = tls ? "https" : "http";
  }

  public static BrowserGuard of(ServerConfig config) {
    return new BrowserGuard(config.apiKeys().isEmpty() && !config.insecure(), config.host(), config.tls().isPresent());
  }

  /**
   * Throws a 403 {@link HttpError} for a request a page could have sent behind its visitor's back.
   *
   * @param method the request's method
   * @param host the authority it addressed: its {@code Host} header, or an absolute-form target's
   *     (absent only in HTTP/1.0 without either)
   * @param origin its {@code Origin} header
   * @param fetchSite its {@code Sec-Fetch-Site} header
   */
  public void check(String method, Optional<String> host, Optional<String> origin, Optional<String> fetchSite) {
    if (loopbackNamesOnly && host.isPresent() && !isLoopbackName(hostName(host.get()))) {
      throw HttpError.forbidden("refusing a request addressed to '" + WireJson.abbreviate(host.get()) + "': without an"
          + " auth file this server answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]),"
          + " so that a web page cannot reach it by pointing its own name at 127.0.0.1. Address it as localhost,"
          + " or give the server an auth file (or --insecure) to serve other names.");
    }
    if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
      return;
    }
    if (fetchSite.isPresent()) {
      String site = fetchSite.get().trim().toLowerCase(Locale.ROOT);
      if (!site.equals("same-origin") && !site.equals("none")) {
        throw crossOrigin(method, origin.orElse("another site"), "Sec-Fetch-Site: " + WireJson.abbreviate(fetchSite.get()));
      }
      return;
    }
    if (origin.isPresent() && (host.isEmpty() || !origin.get().trim().equalsIgnoreCase(scheme + "://" + host.get().trim()))) {
      throw crossOrigin(method, origin.get(), "its Origin is not the Host it addressed");
    }
  }

  private static HttpError crossOrigin(String method, String origin, String why) {
    return HttpError.forbidden("cross-origin request refused: a web page from " + WireJson.abbreviate(origin)
        + " may not send " + method + " to this server (" + why + "). Programs such as curl and the Java client"
        + " send no Origin and are not affected.");
  }

  /** The name in a {@code Host} value: without the port, lower case, an IPv6 literal without brackets. */
  static String hostName(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return close < 0 ? h : h.substring(1, close);
    }
    int colon = h.indexOf(':');
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
      h = h.substring(0, colon);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private boolean isLoopbackName(String name) {
    return name.equals("localhost") || name.endsWith(".localhost") || name.equals(boundHost)
        || isLoopbackIpv4(name) || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1");
  }

  /** Four decimal octets 0-255 with the first 127 (no octal, hex or short forms). */
  static boolean isLoopbackIpv4(String name) {
    String[] parts = name.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
