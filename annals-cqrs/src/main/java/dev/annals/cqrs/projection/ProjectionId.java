package dev.annals.cqrs.projection;

import java.util.regex.Pattern;

/**
 * One version of a named projection. Names are used in SQL identifiers, so they are restricted to
 * {@code [a-z][a-z0-9_]*} (at most 48 characters).
 */
public record ProjectionId(String name, int version) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  public ProjectionId {
    checkName(name, "projection name");
    if (version < 1) {
      throw new IllegalArgumentException("projection version must be >= 1, was " + version);
    }
  }

  static String checkName(String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " must match [a-z][a-z0-9_]{0,47}, was '" + name + "'");
    }
    return name;
  }

  @Override
  public String toString() {
    return name + " v" + version;
  }
}
