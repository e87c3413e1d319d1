package dev.annals.server.auth;

import java.util.Locale;

/** What an API key may do: read, also append, or also administer (import, verify, system streams). */
public enum Role {
  READER,
  WRITER,
  ADMIN;

  static Role parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "reader" -> READER;
      case "writer" -> WRITER;
      case "admin" -> ADMIN;
      default -> throw new IllegalArgumentException("role must be admin, writer or reader, was '" + text + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
