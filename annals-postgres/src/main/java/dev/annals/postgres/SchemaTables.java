package dev.annals.postgres;

/**
 * The store's tables (and the read side's function), qualified with its schema (quoted), so the read
 * side's SQL does not depend on a connection's search_path. Immutable.
 */
record SchemaTables(String schema, String events, String head, String streams, String categoryPage) {

  static SchemaTables of(String schema) {
    String q = "\"" + schema.replace("\"", "\"\"") + "\".";
    return new SchemaTables(schema, q + "annals_events", q + "annals_head", q + "annals_streams",
        q + "annals_category_page");
  }
}
