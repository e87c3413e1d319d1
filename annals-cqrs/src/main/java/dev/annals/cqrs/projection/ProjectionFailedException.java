package dev.annals.cqrs.projection;

/** A projection stopped by its failure policy (or a store failure) before reaching what was asked. */
public final class ProjectionFailedException extends RuntimeException {

  private final ProjectionId projection;

  public ProjectionFailedException(ProjectionId projection, String message, Throwable cause) {
    super(projection + ": " + message, cause);
    this.projection = projection;
  }

  public ProjectionId projection() {
    return projection;
  }
}
