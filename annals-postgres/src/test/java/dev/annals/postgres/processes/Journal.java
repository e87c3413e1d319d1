package dev.annals.postgres.processes;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What a child process records, one line per fact, so the parent can check the store against it after the
 * child exited or was killed. Each line is written with one {@code write} call as soon as the fact is known
 * (an append's intent before the call, its outcome after the call returned), so a SIGKILL of the child
 * loses nothing it wrote: the page cache outlives the process. Every line ends with {@code END}; a line the
 * kill cut short has no {@code END} and is ignored, so a torn number is never taken for a whole one.
 *
 * <pre>
 * READY                                            the store is open
 * INTENT seq stream expected id,id,...             about to append (expected: any, no_stream or a version)
 * ACK seq firstVersion lastVersion firstPosition lastPosition recordedAtMicros
 * REFUSED seq actualVersion                        wrong expected version: nothing may be written
 * FAILED seq kind                                  another failure of the append (kind: the error code)
 * OPEN_FAILED kind                                 opening the store failed (it is tried again)
 * EVENT position stream version id recordedAtMicros   a subscriber received this event
 * </pre>
 *
 * <p>The writer is thread-safe (one lock around each line); the reader is a pure function of the file.
 */
final class Journal implements AutoCloseable {

  /** A line of a journal. */
  sealed interface Entry {}

  record Ready() implements Entry {}

  record Intent(long seq, String stream, String expected, List<UUID> ids) implements Entry {}

  record Ack(long seq, long firstVersion, long lastVersion, long firstPosition, long lastPosition,
      long recordedAtMicros) implements Entry {}

  record Refused(long seq, long actualVersion) implements Entry {}

  record Failed(long seq, String kind) implements Entry {}

  record OpenFailed(String kind) implements Entry {}

  record Delivered(long position, String stream, long version, UUID id, long recordedAtMicros) implements Entry {}

  private static final String END = "END";

  private final FileOutputStream out;

  private Journal(FileOutputStream out) {
    this.out = out;
  }

  /** Opens {@code file} for appending lines (creating it). */
  static Journal create(Path file) {
    try {
      return new Journal(new FileOutputStream(file.toFile(), true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void ready() {
    line("READY");
  }

  void intent(long seq, String stream, String expected, List<UUID> ids) {
    StringBuilder b = new StringBuilder("INTENT ").append(seq).append(' ').append(stream).append(' ')
        .append(expected).append(' ');
    for (int i = 0; i < ids.size(); i++) {
      b.append(i == 0 ? "" : ",").append(ids.get(i));
    }
    line(b.toString());
  }

  void ack(long seq, long firstVersion, long lastVersion, long firstPosition, long lastPosition,
      long recordedAtMicros) {
    line("ACK " + seq + " " + firstVersion + " " + lastVersion + " " + firstPosition + " " + lastPosition + " "
        + recordedAtMicros);
  }

  void refused(long seq, long actualVersion) {
    line("REFUSED " + seq + " " + actualVersion);
  }

  void failed(long seq, String kind) {
    line("FAILED " + seq + " " + word(kind));
  }

  void openFailed(String kind) {
    line("OPEN_FAILED " + word(kind));
  }

  void delivered(long position, String stream, long version, UUID id, long recordedAtMicros) {
    line("EVENT " + position + " " + stream + " " + version + " " + id + " " + recordedAtMicros);
  }

  private synchronized void line(String text) {
    try {
      out.write((text + " " + END + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kinds are one word on a line. */
  private static String word(String kind) {
    return kind.replaceAll("\\s+", "_");
  }

  /** The entries of {@code file}, in order, without the lines a kill cut short. */
  static List<Entry> read(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The entries of the lines that start at or after byte {@code offset} of {@code file}. */
  static List<Entry> readFrom(Path file, long offset) {
    try (FileChannel channel = FileChannel.open(file)) {
      long size = channel.size();
      if (size <= offset) {
        return List.of();
      }
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(size - offset));
      while (bytes.hasRemaining() && channel.read(bytes, offset + bytes.position()) >= 0) {
        // reads until the end as it was
      }
      List<String> lines = List.of(new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).split("\n"));
      ByteBuffer before = ByteBuffer.allocate(1);
      boolean midLine = offset > 0 && channel.read(before, offset - 1) == 1 && before.get(0) != '\n';
      return parse(midLine ? lines.subList(1, lines.size()) : lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Entry> parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>(lines.size());
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f.length < 2 || !f[f.length - 1].equals(END)) {
        continue; // cut short by a kill: never fully reported, so never relied on
      }
      entries.add(switch (f[0]) {
        case "READY" -> new Ready();
        case "INTENT" -> new Intent(Long.parseLong(f[1]), f[2], f[3], ids(f[4]));
        case "ACK" -> new Ack(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
            Long.parseLong(f[5]), Long.parseLong(f[6]));
        case "REFUSED" -> new Refused(Long.parseLong(f[1]), Long.parseLong(f[2]));
        case "FAILED" -> new Failed(Long.parseLong(f[1]), f[2]);
        case "OPEN_FAILED" -> new OpenFailed(f[1]);
        case "EVENT" -> new Delivered(Long.parseLong(f[1]), f[2], Long.parseLong(f[3]), UUID.fromString(f[4]),
            Long.parseLong(f[5]));
        default -> throw new IllegalArgumentException("not a journal line: " + line);
      });
    }
    return entries;
  }

  private static List<UUID> ids(String csv) {
    List<UUID> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(UUID.fromString(s));
    }
    return out;
  }
}
