package dev.annals.cqrs.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.annals.core.Direction;
import dev.annals.core.EventData;
import dev.annals.core.ExpectedVersion;
import dev.annals.core.Filter;
import dev.annals.core.InMemoryEventStore;
import dev.annals.core.Json;
import dev.annals.core.Page;
import dev.annals.core.RecordedEvent;
import dev.annals.cqrs.account.Account;
import dev.annals.cqrs.account.AccountEvent;
import dev.annals.cqrs.account.AccountEvent.Deposited;
import dev.annals.cqrs.account.AccountEvent.FeeCharged;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  final JacksonEventCodec<AccountEvent> codec = Account.codec();

  static RecordedEvent recorded(String type, String data, String metadata) {
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    return new RecordedEvent(UUID.randomUUID(), "account-1", 3, 7, type, Json.of(data), Json.of(metadata), t, t);
  }

  sealed interface Shape {
    record Circle(double r) implements Shape {}

    record Square(double side) implements Shape {}
  }

  record WithOptional(String name, Optional<String> note, Instant at) {}

  @Test
  void encode_gives_the_registered_type_name_its_schema_and_the_record_as_json() {
    EncodedEvent e = codec.encode(new Deposited(42));
    assertThat(e.type()).isEqualTo("Deposited");
    assertThat(e.schema()).isEqualTo(2);
    assertThat(e.data().toNode().get("amount").asLong()).isEqualTo(42);
  }

  @Test
  void decode_of_an_encoded_event_gives_the_same_record() {
    EncodedEvent e = codec.encode(new FeeCharged("f1", 15));
    RecordedEvent r = recorded(e.type(), e.data().toString(), "{\"schema\":" + e.schema() + "}");
    assertThat(codec.decode(r)).isEqualTo(new FeeCharged("f1", 15));
  }

  @Test
  void an_unknown_type_is_a_precise_error_naming_type_and_event() {
    RecordedEvent r = recorded("Teleported", "{}", "{}");
    assertThatThrownBy(() -> codec.decode(r))
        .isInstanceOf(UnknownEventTypeException.class)
        .hasMessageContaining("'Teleported'")
        .hasMessageContaining("stream 'account-1' version 3")
        .satisfies(e -> assertThat(((UnknownEventTypeException) e).type()).isEqualTo("Teleported"));
  }

  @Test
  void encoding_an_unregistered_class_is_an_unknown_type_error() {
    JacksonEventCodec<Object> partial = JacksonEventCodec.builder(Object.class)
        .register("Deposited", Deposited.class, 2).build();
    assertThatThrownBy(() -> partial.encode(new FeeCharged("f", 1)))
        .isInstanceOf(UnknownEventTypeException.class)
        .hasMessageContaining("FeeCharged is not registered");
  }

  @Test
  void data_that_does_not_fit_the_record_is_a_decoding_error_with_the_reason() {
    assertThatThrownBy(() -> codec.decode(recorded("FeeCharged", "{\"feeId\":\"f\",\"amount\":\"lots\"}", "{}")))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageContaining("FeeCharged@1")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> codec.decode(recorded("FeeCharged", "{\"feeId\":\"f\",\"amount\":1,\"x\":2}", "{}")))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageContaining("\"x\"");
    assertThatThrownBy(() -> codec.decode(recorded("FeeCharged", "{\"feeId\":\"f\"}", "{}")))
        .as("a missing primitive is not silently 0")
        .isInstanceOf(EventDecodingException.class);
  }

  @Test
  void a_schema_newer_than_the_codec_is_an_error_not_a_guess() {
    assertThatThrownBy(() -> codec.decode(recorded("FeeCharged", "{\"feeId\":\"f\",\"amount\":1}", "{\"schema\":2}")))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageContaining("written by a newer version")
        .satisfies(e -> assertThat(((EventDecodingException) e).schema()).isEqualTo(2));
  }

  @Test
  void an_old_schema_without_an_upcaster_is_an_error() {
    JacksonEventCodec<AccountEvent> noUpcaster = JacksonEventCodec.builder(AccountEvent.class)
        .register("AccountOpened", AccountEvent.AccountOpened.class)
        .register("Deposited", Deposited.class, 2)
        .register("Withdrawn", AccountEvent.Withdrawn.class)
        .register("FeeCharged", FeeCharged.class)
        .register("FeeWaived", AccountEvent.FeeWaived.class)
        .register("AccountClosed", AccountEvent.AccountClosed.class)
        .build();
    assertThatThrownBy(() -> noUpcaster.decode(recorded("Deposited", "{\"cents\":5}", "{}")))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageContaining("no upcaster from schema 1");
  }

  @Test
  void upcasters_turn_an_old_shape_into_the_current_one() {
    assertThat(codec.decode(recorded("Deposited", "{\"cents\":5}", "{}"))).isEqualTo(new Deposited(5));
    assertThat(codec.decode(recorded("Deposited", "{\"cents\":5}", "{\"schema\":1}"))).isEqualTo(new Deposited(5));
    assertThat(codec.decode(recorded("FeeTaken", "{\"fee\":\"f1\",\"amount\":3}", "{}")))
        .isEqualTo(new FeeCharged("f1", 3));
  }

  /**
   * A filter built from storedTypes() selects events stored under an old type name that an upcaster
   * renames (FeeTaken, read as FeeCharged); types() lists only current names.
   */
  @Test
  void stored_types_select_events_stored_under_a_renamed_type() {
    assertThat(codec.types()).doesNotContain("FeeTaken");
    assertThat(codec.storedTypes()).containsAll(codec.types()).contains("FeeTaken");

    InMemoryEventStore store = new InMemoryEventStore();
    store.append("account-1", ExpectedVersion.ANY, List.of(
        EventData.of("FeeTaken", "{\"fee\":\"f1\",\"amount\":15}"), EventData.of("Unrelated", "{}")));
    Page page = store.readAll(1, Direction.FORWARD, 10, Filter.types(codec.storedTypes().toArray(String[]::new)));
    assertThat(page.events()).extracting(codec::decode).containsExactly(new FeeCharged("f1", 15));
  }

  @Test
  void upcasters_chain_by_type_and_schema() {
    record Named(String fullName) {}
    JacksonEventCodec<Named> chained = JacksonEventCodec.builder(Named.class)
        .register("Named", Named.class, 3)
        .upcast(Upcaster.of("Named", 1, d -> ((ObjectNode) d).put("last", "?")))
        .upcast(Upcaster.of("Named", 2, d -> {
          ObjectNode o = (ObjectNode) d;
          return o.objectNode().put("fullName", o.get("first").asText() + " " + o.get("last").asText());
        }))
        .build();
    assertThat(chained.decode(recorded("Named", "{\"first\":\"ada\"}", "{}"))).isEqualTo(new Named("ada ?"));
    assertThat(chained.decode(recorded("Named", "{\"first\":\"ada\",\"last\":\"l\"}", "{\"schema\":2}")))
        .isEqualTo(new Named("ada l"));
    assertThat(chained.decode(recorded("Named", "{\"fullName\":\"x\"}", "{\"schema\":3}"))).isEqualTo(new Named("x"));
  }

  record Paid(BigDecimal amount, double fee, Object note) {}

  /** Pays at schema 2; schema 1 had the same shape, so its upcaster only raises the schema. */
  final JacksonEventCodec<Paid> payments = JacksonEventCodec.builder(Paid.class)
      .register("Paid", Paid.class, 2)
      .upcast(Upcaster.of("Paid", 1, d -> d))
      .build();

  /** Decodes {@code data} stored at schema 1 (upcast) and at schema 2 (read as stored). */
  List<Paid> paidAtBothSchemas(String data) {
    return List.of(payments.decode(recorded("Paid", data, "{\"schema\":1}")),
        payments.decode(recorded("Paid", data, "{\"schema\":2}")));
  }

  /** An upcast event keeps every digit and the scale of its decimals, as a current-schema event does. */
  @Test
  void an_upcast_event_keeps_every_digit_and_the_scale_of_its_decimals() {
    for (String amount : List.of("12345678901234567.89", "10.50")) {
      List<Paid> both = paidAtBothSchemas("{\"amount\":" + amount + ",\"fee\":0.1,\"note\":2.50}");
      assertThat(both).as(amount).extracting(Paid::amount).containsOnly(new BigDecimal(amount));
      assertThat(both).extracting(Paid::fee).containsOnly(0.1);
      assertThat(both.get(0)).isEqualTo(both.get(1));
    }
  }

  /** For any decimal and double, upcast and current-schema decoding give the same record, untyped fields too. */
  @Property(tries = 300)
  void upcast_decoding_gives_what_current_schema_decoding_gives(
      @ForAll("decimals") BigDecimal amount, @ForAll double fee, @ForAll("decimals") BigDecimal note) {
    String data = "{\"amount\":" + amount + ",\"fee\":" + fee + ",\"note\":" + note + "}";
    List<Paid> both = paidAtBothSchemas(data);
    assertThat(both.get(0)).isEqualTo(both.get(1));
    assertThat(both.get(0).amount()).isEqualTo(amount);
    assertThat(both.get(0).fee()).isEqualTo(fee);
  }

  @Provide
  Arbitrary<BigDecimal> decimals() {
    return StateCodecTest.decimals();
  }

  @Test
  void a_failing_upcaster_is_a_decoding_error_naming_it() {
    record Named(String fullName) {}
    JacksonEventCodec<Named> broken = JacksonEventCodec.builder(Named.class)
        .register("Named", Named.class, 2)
        .upcast(Upcaster.of("Named", 1, d -> {
          throw new IllegalStateException("boom");
        }))
        .build();
    assertThatThrownBy(() -> broken.decode(recorded("Named", "{}", "{}")))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageContaining("upcaster Named@1 -> Named@2")
        .hasMessageContaining("boom");
  }

  @Test
  void build_refuses_a_sealed_event_type_with_unregistered_records() {
    assertThatThrownBy(() -> JacksonEventCodec.builder(Shape.class).register("Circle", Shape.Circle.class).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Square");
  }

  @Test
  void build_refuses_upcasters_that_lead_nowhere_or_loop() {
    assertThatThrownBy(() -> JacksonEventCodec.builder(Shape.class)
            .register("Circle", Shape.Circle.class).register("Square", Shape.Square.class)
            .upcast(new Upcaster("Round", 1, "Oval", 1, d -> d)).build())
        .hasMessageContaining("Oval@1, which is not a registered current shape");
    assertThatThrownBy(() -> JacksonEventCodec.builder(Shape.class)
            .register("Circle", Shape.Circle.class).register("Square", Shape.Square.class)
            .upcast(new Upcaster("A", 1, "B", 1, d -> d)).upcast(new Upcaster("B", 1, "A", 1, d -> d)).build())
        .hasMessageContaining("loop");
  }

  @Test
  void registration_refuses_bad_type_names_and_duplicates() {
    assertThatThrownBy(() -> JacksonEventCodec.builder(Shape.class).register("has space", Shape.Circle.class))
        .hasMessageContaining("has ' '");
    assertThatThrownBy(() -> JacksonEventCodec.builder(Shape.class)
            .register("Circle", Shape.Circle.class).register("Circle", Shape.Square.class))
        .hasMessageContaining("registered twice");
    assertThatThrownBy(() -> JacksonEventCodec.builder(Shape.class)
            .register("Circle", Shape.Circle.class).register("Round", Shape.Circle.class))
        .hasMessageContaining("registered twice");
  }

  @Test
  void records_with_optional_and_instant_fields_round_trip() {
    JacksonEventCodec<WithOptional> c = JacksonEventCodec.builder(WithOptional.class)
        .register("WithOptional", WithOptional.class).build();
    WithOptional v = new WithOptional("n", Optional.of("x"), Instant.parse("2026-03-01T10:00:00.123456Z"));
    EncodedEvent e = c.encode(v);
    assertThat(e.data().toString()).contains("\"2026-03-01T10:00:00.123456Z\"");
    assertThat(c.decode(recorded(e.type(), e.data().toString(), "{}"))).isEqualTo(v);
    assertThat(c.decode(recorded("WithOptional", "{\"name\":\"n\",\"at\":\"2026-03-01T10:00:00Z\"}", "{}")).note())
        .isEmpty();
  }

  @Test
  void a_bad_schema_value_in_metadata_is_a_decoding_error() {
    assertThatThrownBy(() -> codec.decode(recorded("FeeCharged", "{\"feeId\":\"f\",\"amount\":1}", "{\"schema\":\"two\"}")))
        .isInstanceOf(EventDecodingException.class)
        .hasMessageContaining("metadata.schema must be a positive integer");
  }

  @Test
  void metadata_scan_reads_the_schema_at_the_top_level_only() {
    Json m = Json.of("{\"x\":{\"schema\":9,\"revokes\":[\"" + UUID.randomUUID() + "\"]},\"schema\":4}");
    assertThat(EventMetadata.schemaOf(m)).isEqualTo(4);
    assertThat(EventMetadata.schemaOf(Json.EMPTY_OBJECT)).isEqualTo(1);
  }
}
