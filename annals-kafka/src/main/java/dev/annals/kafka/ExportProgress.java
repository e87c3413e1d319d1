package dev.annals.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.ChainHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What one exporter transaction records in the progress topic beside its events: the last position it
 * exported, that event's chain hash (so a restart can tell that the store still holds the same history),
 * and the events topic's partition count when it was written (a change would move streams to other
 * partitions). The record's key is {@link #key}; its value this record as a small JSON object:
 * {@code {"position":12,"hash":"ab12...","partitions":3}}. Immutable.
 */
record ExportProgress(long position, byte[] hash, int partitions) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Nothing exported yet. */
  static ExportProgress none(int partitions) {
    return new ExportProgress(0, ChainHash.genesis(), partitions);
  }

  /** The progress record's key: one per store and events topic, so stores (and topics) can share a progress topic. */
  static byte[] key(UUID storeId, String topic) {
    return (storeId + "/" + topic).getBytes(StandardCharsets.UTF_8);
  }

  byte[] encode() {
    ObjectNode o = JSON.createObjectNode();
    o.put("position", position);
    o.put("hash", ChainHash.hex(hash));
    o.put("partitions", partitions);
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The progress a record value holds; IllegalArgumentException when it is not one. */
  static ExportProgress decode(byte[] value) {
    try {
      JsonNode o = JSON.readTree(value);
      if (o == null || !o.path("position").canConvertToLong() || !o.path("hash").isTextual()
          || !o.path("partitions").canConvertToInt()) {
        throw new IllegalArgumentException("not a progress record: " + new String(value, StandardCharsets.UTF_8));
      }
      byte[] hash = HexFormat.of().parseHex(o.get("hash").asText());
      if (hash.length != ChainHash.BYTES) {
        throw new IllegalArgumentException("a progress record's hash is not 32 bytes");
      }
      return new ExportProgress(o.get("position").asLong(), hash, o.get("partitions").asInt());
    } catch (IOException e) {
      throw new IllegalArgumentException("not a progress record: " + e.getMessage(), e);
    }
  }

  String hashHex() {
    return ChainHash.hex(hash);
  }
}
