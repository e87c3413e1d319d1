package dev.annals.server.auth;

import dev.annals.core.Filter;
import dev.annals.core.StreamNames;
import dev.annals.server.http.Exchange;
import dev.annals.server.http.HttpError;
import java.util.Optional;

/**
 * The permission rules, in one place (the permission-matrix test checks them route by route):
 * <ul>
 *   <li>reading a stream: any role whose prefixes cover it; appending: writer or admin covering it;
 *   <li>system ({@code $}) streams: admins only; for anyone else such a name is an invalid request;
 *   <li>{@code /all} and {@code /subscribe/all}: a key covering all streams, or a {@code prefix}
 *       parameter under one of the key's prefixes; {@code system=true}: admins only;
 *   <li>{@code /audit}: a key covering all streams (it reads across streams);
 *   <li>{@code /admin/...}: admins only; {@code /metrics}, {@code /head}, {@code /position}: any key;
 *       {@code /health}: no key needed.
 * </ul>
 * Stateless.
 */
public final class Access {

  private Access() {}

  /** Validates a stream name from a path and checks the caller may read it. */
  public static void read(Exchange x, String stream) {
    name(x, stream);
    if (!x.principal().covers(stream)) {
      throw HttpError.forbidden("this key may not read stream '" + stream + "'");
    }
  }

  /** Validates a stream name and checks the caller may append to it. */
  public static void write(Exchange x, String stream) {
    name(x, stream);
    if (!x.principal().mayWrite()) {
      throw HttpError.forbidden("a reader key may not append");
    }
    if (!x.principal().covers(stream)) {
      throw HttpError.forbidden("this key may not append to stream '" + stream + "'");
    }
  }

  private static void name(Exchange x, String stream) {
    if (x.principal().isAdmin()) {
      StreamNames.validate(stream);
    } else {
      StreamNames.validateUserStream(stream);
    }
  }

  public static void admin(Exchange x, String what) {
    if (!x.principal().isAdmin()) {
      throw HttpError.forbidden(what + " needs an admin key");
    }
  }

  public static void allStreams(Exchange x, String what) {
    if (!x.principal().coversAllStreams()) {
      throw HttpError.forbidden(what + " needs a key that covers all streams (prefix *)");
    }
  }

  /** Builds the filter of {@code /all}-like routes from the query and checks the caller may use it. */
  public static Filter globalFilter(Exchange x) {
    Filter f = Filter.all();
    Optional<String> types = x.query("types");
    if (types.isPresent()) {
      java.util.Set<String> set = new java.util.LinkedHashSet<>();
      // -1: keep empty entries, so "types=,," is refused rather than read as no filter at all
      for (String t : types.get().split(",", -1)) {
        if (t.isEmpty()) {
          throw HttpError.invalid("types must be a comma-separated list of event types, with no empty entry");
        }
        StreamNames.validateType(t);
        set.add(t);
      }
      f = f.withTypes(set);
    }
    Optional<String> category = x.query("category");
    if (category.isPresent()) {
      if (category.get().isEmpty()) {
        throw HttpError.invalid("category must not be empty");
      }
      f = f.withCategory(category.get());
    }
    Optional<String> prefix = x.query("prefix");
    if (prefix.isPresent()) {
      if (prefix.get().isEmpty()) {
        throw HttpError.invalid("prefix must not be empty");
      }
      f = f.withPrefix(prefix.get());
    }
    boolean system = switch (x.query("system").orElse("false")) {
      case "true" -> true;
      case "false" -> false;
      default -> throw HttpError.invalid("system must be true or false");
    };
    if (system) {
      admin(x, "system=true");
      f = f.withSystem();
    }
    Principal p = x.principal();
    if (!p.coversAllStreams()) {
      boolean ok = prefix.isPresent() && p.prefixes().stream().anyMatch(prefix.get()::startsWith);
      if (!ok) {
        throw HttpError.forbidden("this key covers only streams starting with " + p.prefixes()
            + ": pass a prefix parameter under one of them");
      }
    }
    return f;
  }
}
