package dev.annals.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.annals.core.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresUrlTest {

  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  void the_libpq_form_gives_a_jdbc_url_without_credentials_and_the_user() {
    PostgresUrl u = PostgresUrl.parse("postgresql://alice@db.example:6543/ledger", NO_ENV);
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/ledger");
    assertThat(u.user()).isEqualTo("alice");
    assertThat(u.database()).isEqualTo("ledger");
    assertThat(u.schema()).isEmpty();
    assertThat(u.password()).isEmpty();
  }

  @Test
  void the_port_defaults_to_5432_and_postgres_is_an_alias_of_postgresql() {
    PostgresUrl u = PostgresUrl.parse("postgres://alice@db/ledger", NO_ENV);
    assertThat(u.port()).isEqualTo(5432);
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/ledger");
  }

  @Test
  void the_schema_parameter_is_taken_out_and_other_parameters_go_to_the_driver() {
    PostgresUrl u = PostgresUrl.parse("postgresql://alice@db:5432/ledger?schema=bank&sslmode=require", NO_ENV);
    assertThat(u.schema()).contains("bank");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/ledger?sslmode=require");
    assertThat(PostgresOptions.of(u).schema()).isEqualTo("bank");
  }

  @Test
  void the_jdbc_form_takes_its_user_from_the_query() {
    PostgresUrl u = PostgresUrl.parse("jdbc:postgresql://127.0.0.1:5433/annals_1?user=annals&schema=s1", NO_ENV);
    assertThat(u.user()).isEqualTo("annals");
    assertThat(u.schema()).contains("s1");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/annals_1");
  }

  @Test
  void without_a_user_in_the_url_pguser_is_used() {
    assertThat(PostgresUrl.parse("postgresql://db/ledger", Map.of("PGUSER", "bob")).user()).isEqualTo("bob");
  }

  @Test
  void the_password_comes_from_pgpassword() {
    assertThat(PostgresUrl.parse("postgresql://alice@db/ledger", Map.of("PGPASSWORD", "s3cret")).password())
        .contains("s3cret");
  }

  @Test
  void a_password_in_the_url_is_refused_with_where_to_put_it_instead_and_is_not_echoed() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://alice:s3cret@db/ledger", NO_ENV))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PGPASSWORD").hasMessageContaining("~/.pgpass").hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> PostgresUrl.parse("jdbc:postgresql://db/ledger?user=a&password=s3cret", NO_ENV))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PGPASSWORD").hasMessageNotContaining("s3cret");
  }

  @Test
  void a_url_without_host_or_database_or_of_another_scheme_is_refused() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://alice@db", NO_ENV))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("database");
    assertThatThrownBy(() -> PostgresUrl.parse("mysql://alice@db/x", NO_ENV))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("postgresql://");
  }

  @Test
  void a_schema_name_that_is_not_a_plain_identifier_is_refused() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://a@db/x?schema=Bad-Name", NO_ENV))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("schema");
    assertThatThrownBy(() -> PostgresOptions.of("postgresql://a@db/x").withSchema("x; DROP TABLE y"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void printing_a_url_shows_where_the_store_is_and_never_a_password() {
    PostgresUrl u = PostgresUrl.parse("postgresql://alice@db:5432/ledger", Map.of("PGPASSWORD", "s3cret"));
    assertThat(u.toString()).isEqualTo("postgresql://alice@db:5432/ledger").doesNotContain("s3cret");
  }
}
