package dev.annals.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Creates the store's schema and brings it to the newest version this code knows, applying the
 * versioned scripts ({@code schema-1.sql}, {@code schema-2.sql}, ... next to this class) in order, each
 * at most once. All of it runs in one transaction under an advisory lock keyed by the schema's name, so
 * several processes opening the same store at once are safe: one migrates, the others wait and then find
 * it done. A schema holding a newer version than the code knows is refused, untouched.
 *
 * <p>Stateless apart from its scripts; thread-safe.
 */
final class SchemaMigration {

  private final List<String> scripts;

  /** {@code scripts.get(i)} brings the schema from version {@code i} to {@code i + 1}. */
  SchemaMigration(List<String> scripts) {
    if (scripts.isEmpty()) {
      throw new IllegalArgumentException("at least the first version's script");
    }
    this.scripts = List.copyOf(scripts);
  }

  /** The scripts shipped with this code: {@code schema-1.sql} and every next one that exists. */
  static SchemaMigration bundled() {
    List<String> scripts = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in = SchemaMigration.class.getResourceAsStream("schema-" + v + ".sql")) {
        if (in == null) {
          break;
        }
        scripts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("reading schema-" + v + ".sql", e);
      }
    }
    return new SchemaMigration(scripts);
  }

  /** The newest version this code knows. */
  int newest() {
    return scripts.size();
  }

  /**
   * Brings {@code schema} to {@link #newest()} on {@code c} (left in auto-commit mode).
   *
   * @return the version the schema was at before (0: it did not exist)
   * @throws UnsupportedSchemaException the schema holds a newer version
   */
  int migrate(Connection c, String schema) throws SQLException {
    OptionalInt seen = version(c, schema);
    if (seen.isPresent() && seen.getAsInt() >= newest()) {
      return refuseNewer(schema, seen.getAsInt()); // the usual open: nothing to do, no lock taken
    }
    c.setAutoCommit(false);
    try {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
        lock.setString(1, "annals schema " + schema);
        lock.execute();
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        s.execute("SET LOCAL search_path TO " + schema);
      }
      int found = version(c, schema).orElse(0); // again, under the lock: another process may have done it
      if (found >= newest()) {
        c.rollback();
        return refuseNewer(schema, found);
      }
      try (Statement s = c.createStatement()) {
        for (int v = found + 1; v <= newest(); v++) {
          s.execute(scripts.get(v - 1));
        }
      }
      try (PreparedStatement up = c.prepareStatement("UPDATE annals_schema SET version = ?")) {
        up.setInt(1, newest());
        up.executeUpdate();
      }
      c.commit();
      return found;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private int refuseNewer(String schema, int found) {
    if (found > newest()) {
      throw new UnsupportedSchemaException(schema, found, newest());
    }
    return found;
  }

  /** The schema's version, or empty when it holds no store yet. */
  private static OptionalInt version(Connection c, String schema) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, schema + ".annals_schema");
      try (ResultSet r = s.executeQuery()) {
        r.next();
        if (!r.getBoolean(1)) {
          return OptionalInt.empty();
        }
      }
    }
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT max(version) FROM " + schema + ".annals_schema")) {
      r.next();
      int v = r.getInt(1);
      return r.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
    }
  }
}
