package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Every store connection plans each statement for the table as it is now: a generic plan cached while a
 * new store's tables were empty (sequential scans) would otherwise stay with a long-lived connection as
 * the table grows, and the append path's id lookup would scan the whole log (seen in the
 * pg-append-concurrent-64 benchmark: 1.9k events/s before, 11.5k after).
 */
class PlanCacheTest {

  @Test
  void pooledAndOwnConnectionsNeverReuseAGenericPlan() throws Exception {
    try (Database db = Database.open(PgStores.freshOptions())) {
      try (Connection pooled = db.connection()) {
        assertThat(setting(pooled)).isEqualTo("force_custom_plan");
      }
      try (Connection own = db.openUnpooled()) {
        assertThat(setting(own)).isEqualTo("force_custom_plan");
      }
    }
  }

  private static String setting(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW plan_cache_mode")) {
      assertThat(r.next()).isTrue();
      return r.getString(1);
    }
  }
}
