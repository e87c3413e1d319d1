package dev.annals.core;

/**
 * A copy between stores that cannot go ahead, or cannot go on, and changed nothing it was not allowed
 * to: the target already holds events (a copy only fills an empty store), or the source is not a whole,
 * intact store (a gap in its positions, a broken hash chain, an unfinished append). The message says
 * which, and where. Code {@code copy_refused}.
 */
public final class CopyRefusedException extends EventStoreException {

  public CopyRefusedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "copy_refused";
  }
}
