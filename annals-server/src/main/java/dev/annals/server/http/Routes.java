package dev.annals.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The route table: each resource registers its routes in its {@code routing(Routes)} method (the
 * Helidon habit: explicit method references, no scanning). Matching is by decoded path segments;
 * {@code {name}} captures one segment. Built once, then read-only and thread-safe.
 */
public final class Routes {

  /** Handles one matched request. */
  @FunctionalInterface
  public interface Handler {
    void handle(Exchange x) throws Exception;
  }

  /** Whether a route needs an API key when the server has an auth file. */
  public enum Auth { PUBLIC, KEY }

  /** {@code head}: a GET route that also answers HEAD (the same handler; Jetty sends no body for HEAD). */
  private record Route(String method, String pattern, List<String> parts, Handler handler, Auth auth, boolean head) {}

  /** A route found for a request, with its path parameters. */
  public record Match(Handler handler, Auth auth, Map<String, String> params) {}

  /** No route for the path (404), or the path exists with other methods (405). */
  public record Miss(boolean pathExists, Set<String> allowed) {}

  private final List<Route> routes = new ArrayList<>();

  /** A GET route; HEAD on its path runs the same handler, and the response carries no body. */
  public Routes get(String pattern, Handler h) {
    return add("GET", pattern, h, Auth.KEY, true);
  }

  /**
   * A GET route whose response is an endless event stream (SSE): no HEAD, which would open a subscription
   * that sends nothing and never ends.
   */
  public Routes getStream(String pattern, Handler h) {
    return add("GET", pattern, h, Auth.KEY, false);
  }

  public Routes post(String pattern, Handler h) {
    return add("POST", pattern, h, Auth.KEY, false);
  }

  public Routes getPublic(String pattern, Handler h) {
    return add("GET", pattern, h, Auth.PUBLIC, true);
  }

  private Routes add(String method, String pattern, Handler h, Auth auth, boolean head) {
    List<String> parts = pattern.equals("/") ? List.of() : List.of(pattern.substring(1).split("/"));
    routes.add(new Route(method, pattern, parts, h, auth, head));
    return this;
  }

  /** The patterns, for docs and tests: {@code "GET /streams/{stream}"}. */
  public List<String> describe() {
    return routes.stream().map(r -> r.method() + " " + r.pattern()).toList();
  }

  public Object find(String method, List<String> segments) {
    Set<String> allowed = Set.of();
    for (Route r : routes) {
      if (!matches(r.parts(), segments)) {
        continue;
      }
      if (r.method().equals(method) || (r.head() && method.equals("HEAD"))) {
        return new Match(r.handler(), r.auth(), params(r.parts(), segments));
      }
      if (allowed.isEmpty()) {
        allowed = new LinkedHashSet<>();
      }
      allowed.add(r.method());
      if (r.head()) {
        allowed.add("HEAD");
      }
    }
    return new Miss(!allowed.isEmpty(), allowed);
  }

  private static boolean matches(List<String> parts, List<String> segments) {
    if (parts.size() != segments.size()) {
      return false;
    }
    for (int i = 0; i < parts.size(); i++) {
      String p = parts.get(i);
      if (!p.startsWith("{") && !p.equals(segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The captured segments of a path that {@link #matches} the pattern {@code parts}. */
  private static Map<String, String> params(List<String> parts, List<String> segments) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < parts.size(); i++) {
      String p = parts.get(i);
      if (p.startsWith("{")) {
        params.put(p.substring(1, p.length() - 1), segments.get(i));
      }
    }
    return params;
  }
}
