package dev.annals.cqrs.projection;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC target contract on SQLite, the embedded log's read-model database. */
class SqliteJdbcTargetTest extends JdbcTargetContract {

  @TempDir
  Path dir;

  @Override
  protected JdbcTarget openTarget() {
    return JdbcTarget.sqlite(dir);
  }

  @Override
  protected String physical(ProjectionId id, String logical) {
    return logical + "_v" + id.version();
  }
}
