package dev.annals.postgres;

import dev.annals.core.EventStoreException;

/**
 * The database holds the store's tables in a schema version this Annals does not know (a newer Annals
 * migrated it). Nothing was changed. Code {@code unsupported_schema}.
 */
public final class UnsupportedSchemaException extends EventStoreException {

  private final int found;
  private final int understood;

  UnsupportedSchemaException(String schema, int found, int understood) {
    super("the PostgreSQL schema '" + schema + "' holds an Annals store of schema version " + found
        + ", but this Annals understands versions up to " + understood + "; a newer Annals has migrated it."
        + " Open it with an Annals as new as the one that migrated it (older ones cannot write it safely).");
    this.found = found;
    this.understood = understood;
  }

  /** The version the database holds. */
  public int found() {
    return found;
  }

  /** The newest version this code knows. */
  public int understood() {
    return understood;
  }

  @Override
  public String code() {
    return "unsupported_schema";
  }
}
