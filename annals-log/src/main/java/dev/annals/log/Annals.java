package dev.annals.log;

import java.nio.file.Path;

/** Opens the embedded durable log: {@code Annals.open(Path.of("data"))}. */
public final class Annals {

  private Annals() {}

  /**
   * Opens (creating when needed) the store in {@code dir} with default options ({@code fsync=always}).
   *
   * @throws dev.annals.core.StoreUnavailableException the directory is in use by another process or
   *     cannot be read
   * @throws CorruptLogException acknowledged data is damaged; the store refuses to open
   */
  public static LogEventStore open(Path dir) {
    return open(dir, LogOptions.defaults());
  }

  public static LogEventStore open(Path dir, LogOptions options) {
    return LogEventStore.open(dir, options);
  }
}
