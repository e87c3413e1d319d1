package dev.annals.server;

import static dev.annals.server.TestServer.append;
import static dev.annals.server.TestServer.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.RecordedEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every route fed bad input answers its precise 4xx JSON error, writes nothing and leaves the server
 * healthy (design §8 "bad input").
 */
class BadInputTest {

  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = new TestServer(ServerConfig.defaults().withPort(0).withMaxRequestBytes(4L << 20));
    t.store.append("s-1", ExpectedVersion.ANY, EventData.of("T", "{\"n\":1}"), EventData.of("T", "{\"n\":2}"));
  }

  @AfterAll
  static void stop() throws Exception {
    t.close();
  }

  record Case(String method, String path, Optional<String> body, int status, String code, String says) {}

  static Arguments c(String name, String method, String path, String body, int status, String code, String says) {
    return Arguments.of(Named.of(name, new Case(method, path, Optional.ofNullable(body), status, code, says)));
  }

  static final String OK_EVENTS = events("T", "{}");

  static Stream<Arguments> cases() {
    String tenKb = "x".repeat(10 * 1024);
    return Stream.of(
        // append: malformed JSON and wrong types
        c("unterminated object", "POST", "/streams/s-1", "{", 400, "invalid_request", "malformed JSON"),
        c("trailing comma", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":1},]}", 400, "invalid_request", "malformed JSON"),
        c("two bodies", "POST", "/streams/s-1", "{\"events\":[]} {}", 400, "invalid_request", "trailing content"),
        c("not JSON at all", "POST", "/streams/s-1", "nul", 400, "invalid_request", "malformed JSON"),
        c("empty body", "POST", "/streams/s-1", null, 400, "invalid_request", "JSON body"),
        c("body is an array", "POST", "/streams/s-1", "[]", 400, "invalid_request", "must be an object"),
        c("events is a string", "POST", "/streams/s-1", "{\"events\":\"x\"}", 400, "invalid_request", "events must be an array"),
        c("event is a number", "POST", "/streams/s-1", "{\"events\":[5]}", 400, "invalid_request", "events[0] must be an object"),
        c("type is a number", "POST", "/streams/s-1", "{\"events\":[{\"type\":5,\"data\":{}}]}", 400, "invalid_request", "events[0].type must be a string"),
        c("data missing", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\"}]}", 400, "invalid_request", "events[0].data is required"),
        c("type missing", "POST", "/streams/s-1", "{\"events\":[{\"data\":{}}]}", 400, "invalid_request", "events[0].type is required"),
        c("bad type", "POST", "/streams/s-1", append("\"any\"", events("has space", "{}")), 400, "invalid_request", "event type"),
        c("id not a UUID", "POST", "/streams/s-1", "{\"events\":[{\"id\":\"abc\",\"type\":\"T\",\"data\":{}}]}", 400, "invalid_request", "UUID"),
        c("id 1-1-1-1-1", "POST", "/streams/s-1", "{\"events\":[{\"id\":\"1-1-1-1-1\",\"type\":\"T\",\"data\":{}}]}", 400, "invalid_request", "events[0].id must be a UUID"),
        c("id with a short group", "POST", "/streams/s-1", "{\"events\":[{\"id\":\"6f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a1\",\"type\":\"T\",\"data\":{}}]}", 400, "invalid_request", "events[0].id must be a UUID"),
        c("id with a sign", "POST", "/streams/s-1", "{\"events\":[{\"id\":\"+f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a11\",\"type\":\"T\",\"data\":{}}]}", 400, "invalid_request", "events[0].id must be a UUID"),
        c("import id 1-1-1-1-1", "POST", "/admin/import", "{\"events\":[{\"id\":\"1-1-1-1-1\",\"stream\":\"x-1\",\"type\":\"T\",\"data\":1,\"recordedAt\":\"2020-01-01T00:00:00Z\"}]}", 400, "invalid_request", "events[0].id must be a UUID"),
        c("effectiveAt not an instant", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{},\"effectiveAt\":\"yesterday\"}]}", 400, "invalid_request", "effectiveAt"),
        c("metadata an array", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":[]}]}", 400, "invalid_request", "metadata"),
        c("actor not a string", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":{\"actor\":42}}]}", 400, "invalid_request", "metadata.actor"),
        c("client sets imported", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":{\"imported\":true}}]}", 400, "invalid_request", "imported"),
        c("unknown top-level field", "POST", "/streams/s-1", "{\"evnts\":[]}", 400, "invalid_request", "unknown field 'evnts'"),
        c("unknown event field", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{},\"colour\":1}]}", 400, "invalid_request", "unknown field 'colour'"),
        c("no events", "POST", "/streams/s-1", "{\"events\":[]}", 400, "invalid_request", "at least one event"),
        c("expectedVersion boolean", "POST", "/streams/s-1", append("true", OK_EVENTS), 400, "invalid_request", "expectedVersion"),
        c("expectedVersion negative", "POST", "/streams/s-1", append("-1", OK_EVENTS), 400, "invalid_request", ">= 0"),
        c("expectedVersion word", "POST", "/streams/s-1", append("\"sometimes\"", OK_EVENTS), 400, "invalid_request", "expected version"),
        c("expectedVersion a number in a string", "POST", "/streams/s-1", append("\"08\"", OK_EVENTS), 400, "invalid_request", "JSON number, was the string '08'"),
        c("expectedVersion 4 in a string", "POST", "/streams/s-1", append("\"4\"", OK_EVENTS), 400, "invalid_request", "JSON number"),
        c("expectedVersion +1 in a string", "POST", "/streams/s-1", append("\"+1\"", OK_EVENTS), 400, "invalid_request", "JSON number"),
        c("expectedVersion 0 in a string", "POST", "/streams/s-1", append("\"0\"", OK_EVENTS), 400, "invalid_request", "JSON number"),
        c("expectedVersion huge", "POST", "/streams/s-1", append("99999999999999999999999", OK_EVENTS), 400, "invalid_request", "out of range"),
        c("same id twice", "POST", "/streams/s-1", "{\"events\":[{\"id\":\"6f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a11\",\"type\":\"T\",\"data\":1},"
            + "{\"id\":\"6f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a11\",\"type\":\"T\",\"data\":2}]}", 400, "invalid_request", "twice"),
        // a key given twice: rejected, never "last wins"
        c("metadata key twice", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":1,\"metadata\":{\"actor\":5,\"actor\":\"x\"}}]}", 400, "invalid_request", "Duplicate field 'actor'"),
        c("data key twice deep inside", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{\"a\":[{\"b\":1,\"b\":2}]}}]}", 400, "invalid_request", "Duplicate field 'b'"),
        c("type twice", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"type\":\"U\",\"data\":1}]}", 400, "invalid_request", "Duplicate field 'type'"),
        c("expectedVersion twice", "POST", "/streams/s-1", "{\"expectedVersion\":\"any\",\"expectedVersion\":0,\"events\":" + OK_EVENTS + "}", 400, "invalid_request", "Duplicate field 'expectedVersion'"),
        c("import stream twice", "POST", "/admin/import", "{\"events\":[{\"stream\":\"a-1\",\"stream\":\"b-1\",\"type\":\"T\",\"data\":1,\"recordedAt\":\"2020-01-01T00:00:00Z\"}]}", 400, "invalid_request", "Duplicate field 'stream'"),
        // data and metadata are stored as the bytes sent: reading past them is their validation
        c("data with a raw control character", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{\"a\":\"x\u0001y\"}}]}", 400, "invalid_request", "malformed JSON"),
        c("data with a bad literal deep inside", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{\"a\":[1,{\"b\":tru}]}}]}", 400, "invalid_request", "malformed JSON"),
        c("metadata with an unclosed string", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":{\"a\":\"x}}]}", 400, "invalid_request", "malformed JSON"),
        c("nesting bomb", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":" + "[".repeat(5000) + "]".repeat(5000) + "}]}", 400, "invalid_request", "malformed JSON"),
        // append: sizes
        c("event over 1 MiB", "POST", "/streams/s-1", append("\"any\"", events("T", "\"" + "x".repeat(1 << 20) + "\"")), 413, "payload_too_large", "maxEventBytes"),
        c("10,001 events", "POST", "/streams/s-1", append("\"any\"", IntStream.range(0, 10_001).mapToObj(i -> "{\"type\":\"T\",\"data\":" + i + "}")
            .collect(Collectors.joining(",", "[", "]"))), 413, "payload_too_large", "maxEventsPerAppend"),
        c("body over the request limit", "POST", "/streams/s-1", "{\"events\":[{\"type\":\"T\",\"data\":\"" + "x".repeat(5 << 20) + "\"}]}", 413, "payload_too_large", "limit"),
        // hostile stream names
        c("name with NUL (refused by Jetty's URI parser)", "POST", "/streams/a%00b", append("\"any\"", OK_EVENTS), 400, "invalid_request", "malformed request"),
        c("name with newline", "POST", "/streams/a%0Ab", append("\"any\"", OK_EVENTS), 400, "invalid_request", "control character"),
        c("name with bell", "GET", "/streams/a%07b", null, 400, "invalid_request", "control character"),
        c("name with encoded slash", "POST", "/streams/a%2Fb", append("\"any\"", OK_EVENTS), 400, "invalid_request", "'/'"),
        c("name read with encoded slash", "GET", "/streams/a%2fb", null, 400, "invalid_request", "'/'"),
        c("10 KB name", "POST", "/streams/" + tenKb, append("\"any\"", OK_EVENTS), 400, "invalid_request", "over the limit of 256"),
        c("empty name", "POST", "/streams/", append("\"any\"", OK_EVENTS), 400, "invalid_request", "stream name is empty"),
        c("invalid UTF-8", "POST", "/streams/a%FFb", append("\"any\"", OK_EVENTS), 400, "invalid_request", "UTF-8"),
        c("subscribe to slash name", "GET", "/subscribe/streams/a%2Fb", null, 400, "invalid_request", "'/'"),
        // read params
        c("limit zero", "GET", "/streams/s-1?limit=0", null, 400, "invalid_request", "limit"),
        c("limit text", "GET", "/streams/s-1?limit=ten", null, 400, "invalid_request", "limit must be a whole number"),
        c("limit over cap", "GET", "/streams/s-1?limit=10001", null, 400, "invalid_request", "<= 10000"),
        c("from negative", "GET", "/streams/s-1?from=-1", null, 400, "invalid_request", "from must be >= 0"),
        c("direction sideways", "GET", "/streams/s-1?direction=sideways", null, 400, "invalid_request", "direction"),
        c("knownAt bad", "GET", "/streams/s-1?knownAt=yesterday", null, 400, "invalid_request", "knownAt"),
        c("validAt number", "GET", "/streams/s-1?validAt=17", null, 400, "invalid_request", "validAt"),
        c("unknown read param", "GET", "/streams/s-1?form=1", null, 400, "invalid_request", "unknown query parameter 'form'"),
        c("repeated param", "GET", "/streams/s-1?limit=1&limit=2", null, 400, "invalid_request", "twice"),
        c("all bad type filter", "GET", "/all?types=ok,bad%20type", null, 400, "invalid_request", "event type"),
        c("all types only commas", "GET", "/all?types=,,", null, 400, "invalid_request", "no empty entry"),
        c("all types with an empty entry", "GET", "/all?types=T,,U", null, 400, "invalid_request", "no empty entry"),
        c("audit empty actor", "GET", "/audit?actor=", null, 400, "invalid_request", "actor must not be empty"),
        c("audit empty correlationId", "GET", "/audit?correlationId=", null, 400, "invalid_request", "correlationId must not be empty"),
        c("all empty category", "GET", "/all?category=", null, 400, "invalid_request", "category"),
        c("all system maybe", "GET", "/all?system=maybe", null, 400, "invalid_request", "system"),
        c("all from text", "GET", "/all?from=first", null, 400, "invalid_request", "from"),
        c("subscribe from text", "GET", "/subscribe/all?from=first", null, 400, "invalid_request", "from"),
        c("subscribe unknown param", "GET", "/subscribe/all?since=1", null, 400, "invalid_request", "unknown query parameter"),
        c("audit since bad", "GET", "/audit?since=monday", null, 400, "invalid_request", "since"),
        c("audit limit zero", "GET", "/audit?limit=0", null, 400, "invalid_request", "limit"),
        c("position without at", "GET", "/position", null, 400, "invalid_request", "at"),
        // admin
        c("import malformed", "POST", "/admin/import", "{\"events\":[", 400, "invalid_request", "malformed JSON"),
        c("import without recordedAt", "POST", "/admin/import", "{\"events\":[{\"stream\":\"x-1\",\"type\":\"T\",\"data\":1}]}", 400, "invalid_request", "recordedAt is required"),
        c("import bad stream", "POST", "/admin/import", "{\"events\":[{\"stream\":\"a/b\",\"type\":\"T\",\"data\":1,\"recordedAt\":\"2020-01-01T00:00:00Z\"}]}", 400, "invalid_request", "stream name"),
        c("import in the future", "POST", "/admin/import", "{\"events\":[{\"stream\":\"x-1\",\"type\":\"T\",\"data\":1,\"recordedAt\":\"2999-01-01T00:00:00Z\"}]}", 400, "invalid_request", "future"),
        c("verify with a body", "POST", "/admin/verify", "garbage", 400, "invalid_request", "takes no request body"),
        c("verify with a JSON body", "POST", "/admin/verify", "{\"deep\":true}", 400, "invalid_request", "takes no request body"),
        c("verify with a param", "POST", "/admin/verify?deep=1", null, 400, "invalid_request", "unknown query parameter"),
        // unknown routes and methods
        c("unknown route", "GET", "/nope", null, 404, "not_found", "no route"),
        c("stream listing with an unknown parameter", "GET", "/streams?prefx=a", null, 400, "invalid_request", "unknown query parameter 'prefx'"),
        c("unencoded slash in name", "GET", "/streams/a/b", null, 404, "not_found", "no route"),
        c("post to the console", "POST", "/", null, 405, "invalid_request", "allowed: GET, HEAD"),
        c("unknown console file", "GET", "/console/nope.js", null, 404, "not_found", "no console file"),
        c("delete a stream", "DELETE", "/streams/s-1", null, 405, "invalid_request", "allowed: POST, GET, HEAD"),
        c("put to all", "PUT", "/all", "{}", 405, "invalid_request", "allowed: GET, HEAD"),
        c("get verify", "GET", "/admin/verify", null, 405, "invalid_request", "allowed: POST"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void bad_input_gets_its_precise_error_and_writes_nothing(Case c) {
    List<RecordedEvent> before = everything();
    TestServer.Reply r = t.send(c.method(), c.path(), c.body(), Optional.empty());
    assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
    assertThat(r.raw().headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.error()).as(r.toString()).isEqualTo(c.code());
    assertThat(r.json().get("message").asText()).as(r.toString()).contains(c.says());
    assertThat(everything()).isEqualTo(before);
    assertThat(t.get("/health").status()).isEqualTo(200);
  }

  /** Bytes that are not well-formed UTF-8 (RFC 3629), each in a place Jackson alone lets through. */
  static Stream<Arguments> invalidUtf8() {
    String append = "{\"events\":[{\"type\":\"T\",\"data\":\"@\"}]}";
    String inMetadataValue = "{\"events\":[{\"type\":\"T\",\"data\":1,\"metadata\":{\"k\":\"@\"}}]}";
    String inMetadataKey = "{\"events\":[{\"type\":\"T\",\"data\":1,\"metadata\":{\"@\":1}}]}";
    String inType = "{\"events\":[{\"type\":\"T@\",\"data\":1}]}";
    String importStream = "{\"events\":[{\"stream\":\"@@\",\"type\":\"T\",\"data\":1,\"recordedAt\":\"2020-01-01T00:00:00Z\"}]}";
    return Stream.of(
        u("overlong '/' in data", "/streams/enc-1", append, "c0 af"),
        u("overlong 3-byte in data", "/streams/enc-1", append, "e0 80 af"),
        u("overlong 4-byte in data", "/streams/enc-1", append, "f0 80 80 af"),
        u("overlong c1 in data", "/streams/enc-1", append, "c1 bf"),
        u("above U+10FFFF in data", "/streams/enc-1", append, "f4 90 80 80"),
        u("encoded surrogate in data", "/streams/enc-1", append, "ed a0 80"),
        u("truncated sequence in data", "/streams/enc-1", append, "e2 82"),
        u("overlong in a metadata value", "/streams/enc-1", inMetadataValue, "c0 ae"),
        u("surrogate in a metadata key", "/streams/enc-1", inMetadataKey, "ed bf bf"),
        u("overlong '.' in a type", "/streams/enc-1", inType, "c0 ae"),
        u("overlong '..' as an import stream", "/admin/import", importStream, "c0 ae"));
  }

  /** A case: {@code json} with its {@code @} replaced by the hex bytes {@code bad}. */
  static Arguments u(String name, String path, String json, String bad) {
    byte[] badBytes = java.util.HexFormat.ofDelimiter(" ").parseHex(bad);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte b : json.getBytes(StandardCharsets.US_ASCII)) {
      if (b == '@') {
        out.writeBytes(badBytes);
      } else {
        out.write(b);
      }
    }
    return Arguments.of(Named.of(name, path), out.toByteArray(), json.indexOf('@'));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void a_body_that_is_not_well_formed_utf8_is_rejected_naming_the_offset_and_writes_nothing(String path, byte[] body,
      int offset) {
    List<RecordedEvent> before = everything();
    TestServer.Reply r = t.sendBytes("POST", path, Optional.of(body), Optional.empty());
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.error()).as(r.toString()).isEqualTo("invalid_request");
    assertThat(r.json().get("message").asText()).as(r.toString()).contains("not valid UTF-8").contains("at offset " + offset);
    assertThat(everything()).isEqualTo(before);
  }

  @Test
  void a_canonical_uuid_in_upper_case_is_an_id() {
    TestServer.Reply r = t.post("/streams/uuid-1", "{\"events\":[{\"id\":\"6F1C8F5E-1D2A-4A57-9C55-0B8F0D7E9A11\",\"type\":\"T\",\"data\":1}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(t.get("/streams/uuid-1").json().path("events").get(0).path("id").asText())
        .isEqualTo("6f1c8f5e-1d2a-4a57-9c55-0b8f0d7e9a11");
  }

  @Test
  void a_payload_too_large_error_names_the_limit() {
    TestServer.Reply r = t.post("/streams/s-1", append("\"any\"", events("T", "\"" + "x".repeat(1 << 20) + "\"")));
    assertThat(r.json().get("limit").asText()).isEqualTo("maxEventBytes");
    assertThat(r.json().get("max").asLong()).isEqualTo(1 << 20);
  }

  @Test
  void a_garbage_request_line_gets_a_json_400_and_the_server_stays_healthy() throws Exception {
    assertThat(raw("NONSENSE\r\n\r\n")).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_request\"");
    assertThat(t.get("/health").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"GET /health HTTP/1.2", "GET /health HTTP/3", "GET /health FOO/1.1",
      "GET /health"})
  void an_unsupported_http_version_is_invalid_request_not_a_5xx(String requestLine) throws Exception {
    String reply = raw(requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertThat(reply).as(reply).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_request\"");
    assertThat(t.get("/health").status()).isEqualTo(200);
  }

  @Test
  void a_bad_percent_escape_in_a_stream_name_is_invalid_request() throws Exception {
    String reply = raw("GET /streams/a%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertThat(reply).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_request\"");
    assertThat(t.get("/health").status()).isEqualTo(200);
  }

  @Test
  void raw_bytes_in_the_path_that_are_not_utf8_are_invalid_request_and_write_nothing() throws Exception {
    int before = everything().size();
    String body = "{\"events\":[{\"type\":\"T\",\"data\":1}]}";
    for (byte[] bad : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0xaf})) {
      byte[] path = concat("/streams/raw".getBytes(StandardCharsets.US_ASCII), bad, new byte[] {'x'});
      String reply = raw(concat("POST ".getBytes(StandardCharsets.US_ASCII), path,
          (" HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
              + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII)));
      assertThat(reply).as(java.util.HexFormat.of().formatHex(bad)).startsWith("HTTP/1.1 400")
          .contains("invalid UTF-8 in the path");
    }
    assertThat(everything()).hasSize(before);
    // raw UTF-8 that is well formed (as curl sends a typed name) is still a name: here, one with no events
    byte[] ok = "/streams/caf\u00e9-1".getBytes(StandardCharsets.UTF_8);
    String reply = raw(concat("GET ".getBytes(StandardCharsets.US_ASCII), ok,
        " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(reply).startsWith("HTTP/1.1 404").contains("caf\u00e9-1");
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static String raw(String request) throws Exception {
    return raw(request.getBytes(StandardCharsets.US_ASCII));
  }

  private static String raw(byte[] request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<RecordedEvent> everything() {
    return t.store.readAll(1, Direction.FORWARD, 10_000, Filter.everything()).events();
  }
}
