package dev.annals.kafka;

import dev.annals.core.ChainHash;
import dev.annals.core.Json;
import dev.annals.core.RecordedEvent;
import dev.annals.core.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How one stored event becomes one Kafka record, and back: the CloudEvents 1.0 Kafka protocol binding
 * in binary mode. Key = the stream name (UTF-8), so a stream's events stay in order in one partition;
 * value = the event's {@code data} bytes exactly as stored; every attribute a header whose value is the
 * attribute's string form in UTF-8. Annals' own fields are CloudEvents extension attributes (lowercase
 * letters and digits only, as the spec requires), so any CloudEvents SDK or plain consumer reads them.
 * docs/kafka.md has the table. Stateless and thread-safe.
 */
public final class CloudEventsFormat {

  public static final String SPECVERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String SUBJECT = "ce_subject";
  public static final String TIME = "ce_time";
  public static final String CONTENT_TYPE = "content-type";
  public static final String POSITION = "ce_annalsposition";
  public static final String VERSION = "ce_annalsversion";
  public static final String EFFECTIVE_AT = "ce_annalseffectiveat";
  public static final String METADATA = "ce_annalsmetadata";
  public static final String HASH = "ce_annalshash";
  public static final String BATCH_SIZE = "ce_annalsbatchsize";
  public static final String BATCH_INDEX = "ce_annalsbatchindex";
  public static final String IMPORTED = "ce_annalsimported";

  /** The CloudEvents version of every record. */
  public static final String CLOUDEVENTS_VERSION = "1.0";
  /** Every event's data is JSON. */
  public static final String JSON = "application/json";

  private CloudEventsFormat() {
  }

  /** The {@code ce_source} of a store's records: its store id as a URN. */
  public static String source(UUID storeId) {
    return "urn:uuid:" + storeId;
  }

  /** The record publishing {@code stored} (exported from the store {@code storeId}) to {@code topic}. */
  public static ProducerRecord<byte[], byte[]> toRecord(String topic, UUID storeId, StoredEvent stored) {
    RecordedEvent e = stored.event();
    Headers h = new RecordHeaders();
    put(h, SPECVERSION, CLOUDEVENTS_VERSION);
    put(h, ID, e.id().toString());
    put(h, SOURCE, source(storeId));
    put(h, TYPE, e.type());
    put(h, SUBJECT, e.stream());
    put(h, TIME, e.recordedAt().toString());
    put(h, CONTENT_TYPE, JSON);
    put(h, POSITION, Long.toString(e.position()));
    put(h, VERSION, Long.toString(e.version()));
    put(h, EFFECTIVE_AT, e.effectiveAt().toString());
    h.add(METADATA, e.metadata().bytes());
    put(h, HASH, ChainHash.hex(stored.chainHash()));
    put(h, BATCH_SIZE, Integer.toString(stored.batchSize()));
    put(h, BATCH_INDEX, Integer.toString(stored.indexInBatch()));
    put(h, IMPORTED, Boolean.toString(stored.imported()));
    return new ProducerRecord<>(topic, null, null, utf8(e.stream()), e.data().bytes(), h);
  }

  /**
   * The stored event a record carries, with its chain hash, batch framing and imported flag.
   *
   * @throws MalformedRecordException the record was not written by an Annals exporter (a header is
   *     missing or unreadable); the message names the topic, partition, offset and header
   */
  public static StoredEvent fromRecord(ConsumerRecord<byte[], byte[]> r) {
    Headers h = r.headers();
    try {
      RecordedEvent e = new RecordedEvent(
          UUID.fromString(text(r, ID)),
          text(r, SUBJECT),
          Long.parseLong(text(r, VERSION)),
          Long.parseLong(text(r, POSITION)),
          text(r, TYPE),
          Json.trusted(r.value() == null ? new byte[0] : r.value()),
          Json.trusted(bytes(r, METADATA)),
          Instant.parse(text(r, TIME)),
          Instant.parse(text(r, EFFECTIVE_AT)));
      byte[] hash = HexFormat.of().parseHex(text(r, HASH));
      return new StoredEvent(e, Integer.parseInt(text(r, BATCH_SIZE)), Integer.parseInt(text(r, BATCH_INDEX)),
          Boolean.parseBoolean(text(r, IMPORTED)), hash);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new MalformedRecordException(r, "a header does not hold what an Annals exporter writes: " + e.getMessage());
    }
  }

  /** The store id a record's {@code ce_source} names. */
  public static UUID storeId(ConsumerRecord<byte[], byte[]> r) {
    String source = text(r, SOURCE);
    if (!source.startsWith("urn:uuid:")) {
      throw new MalformedRecordException(r, SOURCE + " is " + source + ", not an Annals store's urn:uuid:...");
    }
    try {
      return UUID.fromString(source.substring("urn:uuid:".length()));
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException(r, SOURCE + " is " + source + ", not an Annals store's urn:uuid:...");
    }
  }

  private static void put(Headers h, String name, String value) {
    h.add(name, utf8(value));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(bytes(r, name), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ConsumerRecord<byte[], byte[]> r, String name) {
    Header header = r.headers().lastHeader(name);
    if (header == null || header.value() == null) {
      throw new MalformedRecordException(r, "it has no " + name + " header");
    }
    return header.value();
  }

  /** A record that an Annals exporter did not write, or that was altered. */
  public static final class MalformedRecordException extends IllegalArgumentException {
    public MalformedRecordException(ConsumerRecord<?, ?> r, String why) {
      super("the record at " + r.topic() + "-" + r.partition() + " offset " + r.offset()
          + " is not an Annals event: " + why);
    }
  }
}
