package dev.annals.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The store's identity ({@code <dir>/store-id}: a UUID in text), written once, on the first open, and read on
 * every later one: what an exporter names the store by ({@code ce_source}, its progress key). A copy of the
 * directory's files, or one made by {@code annals copy} (which keeps the id, in either engine), is the same
 * store: an exporter resumes it where the original's export left off, after checking that it holds the
 * history Kafka has.
 */
final class StoreIdFile {

  static final String NAME = "store-id";

  private StoreIdFile() {
  }

  /** The id in {@code dir}, if it has one (a store never opened by an Annals that keeps ids has none). */
  static java.util.Optional<UUID> read(Path dir) throws IOException {
    return Files.exists(dir.resolve(NAME)) ? java.util.Optional.of(readOrCreate(dir)) : java.util.Optional.empty();
  }

  /** Writes {@code id} into {@code dir} (a store being made by a copy), fsynced; returns the file. */
  static Path write(Path dir, UUID id) throws IOException {
    Path tmp = dir.resolve(NAME + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Path file = dir.resolve(NAME);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    DataDirectory.fsync(dir);
    return file;
  }

  /** The id in {@code dir}, made (and fsynced, file and directory) when there is none. The caller holds the lock. */
  static UUID readOrCreate(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      try {
        return UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " holds '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
            + "', not a store id (a UUID); restore the file from a backup, or delete it to give the store a new id"
            + " (an exporter then exports it to Kafka as a new store)", e);
      }
    }
    UUID id = UUID.randomUUID();
    write(dir, id);
    return id;
  }
}
