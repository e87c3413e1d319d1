package dev.annals.log;

import dev.annals.core.ChainHash;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * One event as framed in a segment file. The log is a sequence of these; an append of {@code n}
 * events is {@code n} consecutive records carrying {@code batchSize = n} and {@code indexInBatch =
 * 0..n-1}: a batch whose last record is missing or damaged at the tail was never acknowledged and is
 * cut on recovery, so multi-event appends are atomic. Every record is self-checking (CRC32C) and
 * carries the hash chain (SHA-256) up to and including itself. Stateless; all methods are static and
 * thread-safe.
 *
 * <pre>
 * frame (big-endian)
 *  offset size
 *  0      4    bodyLength        bytes after this 8-byte frame header
 *  4      4    crc32c            CRC32C of the body
 * body
 *  8      8    position          global, 1-based, gap-free
 *  16     8    version           1-based within the stream
 *  24     16   id                UUID (most, least significant bits)
 *  40     8    recordedAt        microseconds since the epoch
 *  48     8    effectiveAt s     seconds since the epoch
 *  56     4    effectiveAt ns    nanosecond adjustment
 *  60     4    batchSize         events written by this record's append (atomic unit)
 *  64     4    indexInBatch      0..batchSize-1
 *  68     2    flags             bit 0: imported
 *  70     2    streamLength      UTF-8 bytes
 *  72     2    typeLength        ASCII bytes
 *  74     4    dataLength
 *  78     4    metadataLength
 *  82     32   chainHash         SHA-256(previous chainHash || body[8..82) || stream || type
 *                                          || metadata || SHA-256(data)): ChainHash's definition,
 *                                          body[8..82) being its fixed fields byte for byte
 *  114    ..   stream, type, data, metadata
 * </pre>
 *
 * The chain covers a digest of {@code data}, not the data itself, so a later crypto-shredding of
 * personal data can replace {@code data} by a tombstone that keeps its digest and the chain stays
 * verifiable.
 */
final class EventRecord {

  static final int FRAME_HEADER = 8;
  static final int POSITION = 8;
  static final int VERSION = 16;
  static final int ID = 24;
  static final int RECORDED_AT = 40;
  static final int EFFECTIVE_SECONDS = 48;
  static final int EFFECTIVE_NANOS = 56;
  static final int BATCH_SIZE = 60;
  static final int INDEX_IN_BATCH = 64;
  static final int FLAGS = 68;
  static final int STREAM_LENGTH = 70;
  static final int TYPE_LENGTH = 72;
  static final int DATA_LENGTH = 74;
  static final int METADATA_LENGTH = 78;
  static final int CHAIN_HASH = 82;
  static final int HASH_BYTES = ChainHash.BYTES;
  static final int VARIABLE = CHAIN_HASH + HASH_BYTES;
  /** The smallest possible record: fixed part plus 1-byte stream, 1-byte type, 1-byte data, {@code {}}. */
  static final int MIN_RECORD = VARIABLE + 5;
  static final int FLAG_IMPORTED = 1;

  static final byte[] GENESIS_HASH = ChainHash.genesis();

  static {
    // the chain hashes body[POSITION..CHAIN_HASH) as ChainHash's fixed fields: the same bytes in the same order
    if (CHAIN_HASH - POSITION != ChainHash.FIELD_BYTES) {
      throw new AssertionError("the record's fixed fields are not ChainHash's");
    }
  }

  private EventRecord() {}

  /** A new SHA-256 digest (the chain's hash). */
  static MessageDigest sha256() {
    return ChainHash.sha256();
  }

  /** Size of a record with these variable parts. */
  static int size(int streamBytes, int typeBytes, int dataBytes, int metadataBytes) {
    return VARIABLE + streamBytes + typeBytes + dataBytes + metadataBytes;
  }

  /**
   * Writes one record at {@code buf}'s position (advancing it) and returns its chain hash into
   * {@code chain} (which holds the previous chain hash on entry). {@code buf} is a heap buffer;
   * {@code dataDigest} is {@link #dataDigest} of {@code data}, or null to have it computed here.
   */
  static void write(ByteBuffer buf, long position, long version, UUID id, long recordedAtMicros,
      Instant effectiveAt, int batchSize, int indexInBatch, boolean imported, byte[] stream, byte[] type,
      byte[] data, byte @Nullable [] dataDigest, byte[] metadata, byte[] chain, MessageDigest sha) {
    int start = buf.position();
    int bodyLength = size(stream.length, type.length, data.length, metadata.length) - FRAME_HEADER;
    buf.putInt(bodyLength);
    buf.putInt(0); // CRC, filled in below
    buf.putLong(position);
    buf.putLong(version);
    buf.putLong(id.getMostSignificantBits());
    buf.putLong(id.getLeastSignificantBits());
    buf.putLong(recordedAtMicros);
    buf.putLong(effectiveAt.getEpochSecond());
    buf.putInt(effectiveAt.getNano());
    buf.putInt(batchSize);
    buf.putInt(indexInBatch);
    buf.putShort((short) (imported ? FLAG_IMPORTED : 0));
    buf.putShort((short) stream.length);
    buf.putShort((short) type.length);
    buf.putInt(data.length);
    buf.putInt(metadata.length);
    int hashAt = buf.position();
    buf.position(hashAt + HASH_BYTES);
    buf.put(stream);
    buf.put(type);
    buf.put(data);
    buf.put(metadata);
    int end = buf.position();
    chainOver(buf, start, chain, sha, dataDigest);
    buf.put(hashAt, chain);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), buf.arrayOffset() + start + FRAME_HEADER, end - start - FRAME_HEADER);
    buf.putInt(start + 4, (int) crc.getValue());
  }

  /**
   * Replaces {@code chain} (the previous hash) with the chain hash of the record at {@code start},
   * computed from its fields (not from its stored hash).
   */
  static void computeChain(ByteBuffer buf, int start, byte[] chain, MessageDigest sha) {
    chainOver(buf, start, chain, sha, null);
  }

  /** SHA-256 of an event's data, the first step of its chain hash; {@code sha} is left reset. */
  static byte[] dataDigest(byte[] data, MessageDigest sha) {
    sha.reset();
    return sha.digest(data);
  }

  /**
   * {@link #computeChain}, with the data's digest ({@link #dataDigest}) already worked out by the caller
   * when {@code dataDigest} is not null.
   */
  private static void chainOver(ByteBuffer buf, int start, byte[] chain, MessageDigest sha,
      byte @Nullable [] dataDigest) {
    int s = Short.toUnsignedInt(buf.getShort(start + STREAM_LENGTH));
    int t = Short.toUnsignedInt(buf.getShort(start + TYPE_LENGTH));
    int d = buf.getInt(start + DATA_LENGTH);
    int m = buf.getInt(start + METADATA_LENGTH);
    int var = start + VARIABLE;
    sha.reset();
    try {
      if (buf.hasArray()) { // the writer's buffer and the readers' windows: no copies, no slices
        byte[] a = buf.array();
        int o = buf.arrayOffset();
        if (dataDigest == null) {
          dataDigest = new byte[HASH_BYTES];
          sha.update(a, o + var + s + t, d);
          sha.digest(dataDigest, 0, HASH_BYTES);
        }
        sha.update(chain);
        sha.update(a, o + start + POSITION, CHAIN_HASH - POSITION);
        sha.update(a, o + var, s + t);
        sha.update(a, o + var + s + t + d, m);
      } else {
        if (dataDigest == null) {
          dataDigest = new byte[HASH_BYTES];
          sha.update(buf.slice(var + s + t, d));
          sha.digest(dataDigest, 0, HASH_BYTES);
        }
        sha.update(chain);
        sha.update(buf.slice(start + POSITION, CHAIN_HASH - POSITION));
        sha.update(buf.slice(var, s + t));
        sha.update(buf.slice(var + s + t + d, m));
      }
      sha.update(dataDigest);
      sha.digest(chain, 0, HASH_BYTES);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }


  /**
   * Checks the frame at {@code start}: its length fits within {@code limit}, its inner lengths add
   * up and its CRC matches. Returns the total record size, or a negative {@link Check} code.
   */
  static int check(ByteBuffer buf, int start, int limit) {
    if (limit - start < FRAME_HEADER) {
      return Check.SHORT;
    }
    int bodyLength = buf.getInt(start);
    if (bodyLength < MIN_RECORD - FRAME_HEADER || bodyLength > Integer.MAX_VALUE - 64) {
      return Check.BAD_LENGTH;
    }
    int size = bodyLength + FRAME_HEADER;
    if (limit - start < size) {
      return Check.SHORT;
    }
    CRC32C crc = new CRC32C();
    if (buf.hasArray()) {
      crc.update(buf.array(), buf.arrayOffset() + start + FRAME_HEADER, bodyLength);
    } else {
      crc.update(buf.slice(start + FRAME_HEADER, bodyLength));
    }
    if ((int) crc.getValue() != buf.getInt(start + 4)) {
      return Check.BAD_CRC;
    }
    int s = Short.toUnsignedInt(buf.getShort(start + STREAM_LENGTH));
    int t = Short.toUnsignedInt(buf.getShort(start + TYPE_LENGTH));
    long d = buf.getInt(start + DATA_LENGTH);
    long m = buf.getInt(start + METADATA_LENGTH);
    if (d < 0 || m < 0 || VARIABLE + s + t + d + m != size) {
      return Check.BAD_LAYOUT;
    }
    return size;
  }

  /** Outcomes of {@link #check} other than a size. */
  static final class Check {
    static final int SHORT = -1;
    static final int BAD_LENGTH = -2;
    static final int BAD_CRC = -3;
    static final int BAD_LAYOUT = -4;

    private Check() {}

    static String describe(int code) {
      return switch (code) {
        case SHORT -> "record runs past the end of the file";
        case BAD_LENGTH -> "record length is impossible";
        case BAD_CRC -> "record checksum (CRC32C) does not match";
        case BAD_LAYOUT -> "record field lengths do not add up";
        default -> "record is valid";
      };
    }
  }

  static int size(ByteBuffer buf, int start) {
    return buf.getInt(start) + FRAME_HEADER;
  }

  static long position(ByteBuffer buf, int start) {
    return buf.getLong(start + POSITION);
  }

  static long version(ByteBuffer buf, int start) {
    return buf.getLong(start + VERSION);
  }

  static long idMost(ByteBuffer buf, int start) {
    return buf.getLong(start + ID);
  }

  static long idLeast(ByteBuffer buf, int start) {
    return buf.getLong(start + ID + 8);
  }

  static long recordedAtMicros(ByteBuffer buf, int start) {
    return buf.getLong(start + RECORDED_AT);
  }

  static int batchSize(ByteBuffer buf, int start) {
    return buf.getInt(start + BATCH_SIZE);
  }

  static int indexInBatch(ByteBuffer buf, int start) {
    return buf.getInt(start + INDEX_IN_BATCH);
  }

  static boolean imported(ByteBuffer buf, int start) {
    return (buf.getShort(start + FLAGS) & FLAG_IMPORTED) != 0;
  }

  static void chainHash(ByteBuffer buf, int start, byte[] into) {
    buf.get(start + CHAIN_HASH, into);
  }

  static String stream(ByteBuffer buf, int start) {
    int s = Short.toUnsignedInt(buf.getShort(start + STREAM_LENGTH));
    return string(buf, start + VARIABLE, s, StandardCharsets.UTF_8);
  }

  /** True when the record's stream name equals {@code name} (UTF-8), without decoding. */
  static boolean streamEquals(ByteBuffer buf, int start, byte[] name) {
    int s = Short.toUnsignedInt(buf.getShort(start + STREAM_LENGTH));
    if (s != name.length) {
      return false;
    }
    return buf.slice(start + VARIABLE, s).equals(ByteBuffer.wrap(name));
  }

  static String type(ByteBuffer buf, int start) {
    int s = Short.toUnsignedInt(buf.getShort(start + STREAM_LENGTH));
    int t = Short.toUnsignedInt(buf.getShort(start + TYPE_LENGTH));
    return string(buf, start + VARIABLE + s, t, StandardCharsets.ISO_8859_1);
  }

  private static String string(ByteBuffer buf, int at, int length, java.nio.charset.Charset cs) {
    if (buf.hasArray()) {
      return new String(buf.array(), buf.arrayOffset() + at, length, cs);
    }
    byte[] b = new byte[length];
    buf.get(at, b);
    return new String(b, cs);
  }

  static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  static long toMicros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
  }

  /**
   * Remembers the last stream name and type decoded, so a run of events of one stream (or type) shares
   * one String instead of decoding each. Not thread-safe: one per reader.
   */
  static final class Names {
    private byte[] streamBytes = new byte[0];
    private String stream = "";
    private byte[] typeBytes = new byte[0];
    private String type = "";

    String stream(ByteBuffer buf, int at, int length) {
      if (!same(buf, at, length, streamBytes)) {
        streamBytes = new byte[length];
        buf.get(at, streamBytes);
        stream = new String(streamBytes, StandardCharsets.UTF_8);
      }
      return stream;
    }

    String type(ByteBuffer buf, int at, int length) {
      if (!same(buf, at, length, typeBytes)) {
        typeBytes = new byte[length];
        buf.get(at, typeBytes);
        type = new String(typeBytes, StandardCharsets.ISO_8859_1);
      }
      return type;
    }

    private static boolean same(ByteBuffer buf, int at, int length, byte[] known) {
      if (known.length != length) {
        return false;
      }
      if (buf.hasArray()) {
        int o = buf.arrayOffset() + at;
        return java.util.Arrays.equals(buf.array(), o, o + length, known, 0, length);
      }
      for (int i = 0; i < length; i++) {
        if (buf.get(at + i) != known[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /** Decodes the record at {@code start}; {@code stream} may be passed when already known. */
  static RecordedEvent decode(ByteBuffer buf, int start, String knownStream) {
    return decode(buf, start, knownStream, new Names());
  }

  /** Decodes the record at {@code start}, sharing names through {@code names}. */
  static RecordedEvent decode(ByteBuffer buf, int start, String knownStream, Names names) {
    int s = Short.toUnsignedInt(buf.getShort(start + STREAM_LENGTH));
    int t = Short.toUnsignedInt(buf.getShort(start + TYPE_LENGTH));
    int d = buf.getInt(start + DATA_LENGTH);
    int m = buf.getInt(start + METADATA_LENGTH);
    int var = start + VARIABLE;
    String stream = knownStream.isEmpty() ? names.stream(buf, var, s) : knownStream;
    String type = names.type(buf, var + s, t);
    byte[] data = new byte[d];
    buf.get(var + s + t, data);
    Json metadata;
    if (m == 2 && buf.get(var + s + t + d) == '{' && buf.get(var + s + t + d + 1) == '}') {
      metadata = Json.EMPTY_OBJECT;
    } else {
      byte[] meta = new byte[m];
      buf.get(var + s + t + d, meta);
      metadata = Json.trusted(meta);
    }
    Instant recordedAt = micros(buf.getLong(start + RECORDED_AT));
    long effSeconds = buf.getLong(start + EFFECTIVE_SECONDS);
    int effNanos = buf.getInt(start + EFFECTIVE_NANOS);
    Instant effectiveAt = effSeconds == recordedAt.getEpochSecond() && effNanos == recordedAt.getNano()
        ? recordedAt : Instant.ofEpochSecond(effSeconds, effNanos);
    return new RecordedEvent(new UUID(idMost(buf, start), idLeast(buf, start)), stream, version(buf, start),
        position(buf, start), type, Json.trusted(data), metadata, recordedAt, effectiveAt);
  }
}
