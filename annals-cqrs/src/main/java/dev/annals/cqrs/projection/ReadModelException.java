package dev.annals.cqrs.projection;

/** The database behind a {@link JdbcTarget} failed (the unit of work was rolled back). */
public final class ReadModelException extends RuntimeException {

  public ReadModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
