package dev.annals.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The hash chain over an event's logical fields, the same for every engine (docs/storage.md, "Hash
 * chain"): {@code chain(i) = SHA-256(chain(i-1) || fields(i) || stream || type || metadata ||
 * SHA-256(data))}, with {@code chain(0)} 32 zero bytes and {@code fields} the big-endian encoding of
 * position (8), version (8), id (16, most significant half first), recordedAt in microseconds since the
 * epoch (8), effectiveAt's epoch seconds (8) and nanoseconds (4), batchSize (4), indexInBatch (4),
 * flags (2; bit 0: imported), and the byte lengths of stream (2), type (2), data (4) and metadata (4).
 * Strings are UTF-8. The chain covers a digest of the data, not the data, so a later crypto-shredding
 * can replace the data and keep the chain verifiable.
 *
 * <p>Not thread-safe (it holds a digest); one per thread.
 */
public final class ChainHash {

  /** Bytes in a chain hash (SHA-256). */
  public static final int BYTES = 32;
  /** Bytes of the fixed fields hashed after the previous hash. */
  public static final int FIELD_BYTES = 74;
  private static final byte[] GENESIS = new byte[BYTES];

  private final MessageDigest sha = sha256();
  private final ByteBuffer fields = ByteBuffer.allocate(FIELD_BYTES);

  /** The hash before the first event: 32 zero bytes. */
  public static byte[] genesis() {
    return GENESIS.clone();
  }

  /** A new SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** SHA-256 of an event's data bytes, the digest the chain covers. */
  public byte[] dataDigest(byte[] data) {
    sha.reset();
    return sha.digest(data);
  }

  /**
   * The chain hash of one event, given the previous event's ({@link #genesis()} for the first).
   *
   * @param recordedAt truncated to microseconds, as every engine stores it
   * @param dataDigest {@link #dataDigest} of the event's data bytes
   */
  public byte[] next(byte[] previous, long position, long version, UUID id, Instant recordedAt,
      Instant effectiveAt, int batchSize, int indexInBatch, boolean imported, String stream, String type,
      byte[] dataDigest, int dataLength, byte[] metadata) {
    if (previous.length != BYTES || dataDigest.length != BYTES) {
      throw new IllegalArgumentException("a chain hash and a data digest are 32 bytes");
    }
    byte[] s = stream.getBytes(StandardCharsets.UTF_8);
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    fields.clear();
    fields.putLong(position);
    fields.putLong(version);
    fields.putLong(id.getMostSignificantBits());
    fields.putLong(id.getLeastSignificantBits());
    fields.putLong(micros(recordedAt));
    fields.putLong(effectiveAt.getEpochSecond());
    fields.putInt(effectiveAt.getNano());
    fields.putInt(batchSize);
    fields.putInt(indexInBatch);
    fields.putShort((short) (imported ? 1 : 0));
    fields.putShort((short) s.length);
    fields.putShort((short) t.length);
    fields.putInt(dataLength);
    fields.putInt(metadata.length);
    sha.reset();
    sha.update(previous);
    sha.update(fields.array(), 0, FIELD_BYTES);
    sha.update(s);
    sha.update(t);
    sha.update(metadata);
    sha.update(dataDigest);
    return sha.digest();
  }

  /** Microseconds since the epoch (the precision every engine keeps recordedAt in). */
  public static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  /** Lowercase hex, as {@code verify} and {@code copy} print a head hash. */
  public static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }
}
