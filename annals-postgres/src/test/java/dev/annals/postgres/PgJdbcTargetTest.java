package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.cqrs.projection.JdbcTarget;
import dev.annals.cqrs.projection.JdbcTargetContract;
import dev.annals.cqrs.projection.ProjectionId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JDBC target contract on PostgreSQL: read models beside a PostgreSQL store (a fresh store schema per
 * test, its read models in {@code <schema>_rm} and a schema per projection version).
 */
@ExtendWith(TestPostgres.class)
class PgJdbcTargetTest extends JdbcTargetContract {

  private PostgresOptions options;
  private final List<PostgresReadModels.Target> opened = new ArrayList<>();

  @BeforeEach
  void freshDatabase() {
    options = PgStores.freshOptions();
  }

  @AfterEach
  void closeAll() {
    opened.forEach(PostgresReadModels.Target::close);
  }

  @Override
  protected JdbcTarget openTarget() {
    PostgresReadModels.Target t = PostgresReadModels.target(options);
    opened.add(t);
    return t.target();
  }

  @Override
  protected String physical(ProjectionId id, String logical) {
    return options.schema() + "_rm_" + id.name() + "_v" + id.version() + "." + logical;
  }

  @Test
  void a_long_name_gets_a_version_schema_within_the_identifier_limit() {
    PostgresReadModels.Target t = PostgresReadModels.target(options.withSchema("s".repeat(48)));
    opened.add(t);
    String schema = t.dialect().versionSchema(new ProjectionId("p".repeat(48), 12));
    assertThat(schema).hasSizeLessThanOrEqualTo(63).startsWith("s".repeat(48) + "_rm_p");
    assertThat(t.dialect().versionSchema(new ProjectionId("p".repeat(48), 13))).isNotEqualTo(schema);
  }
}
