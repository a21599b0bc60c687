package io.customerpulse.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.events.avro.ClickEvent;
import io.customerpulse.events.avro.PurchaseEvent;
import io.customerpulse.events.avro.ShareEvent;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    static PurchaseEvent samplePurchase() {
        return PurchaseEvent.newBuilder().setEventId("p-17").setUserId("u-3")
                .setEventTime(Instant.parse("2025-03-01T12:00:00Z")).setChannel("store").setOrderId("o-9")
                .setAmount(new BigDecimal("12.50")).setCurrency("CNY").setStoreId("sh-01").build();
    }

    @Test
    void wireFormatIsAvroSingleObjectEncoding() {
        byte[] bytes = EventCodec.encode(samplePurchase());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(PurchaseEvent.getClassSchema()));
    }

    @Test
    void roundTripsEveryEventType() throws Exception {
        SpecificRecord click = ClickEvent.newBuilder().setEventId("c-1").setUserId("u-1")
                .setEventTime(Instant.parse("2025-03-01T12:00:00Z")).setChannel("mini_program").setPage("/item/7")
                .setItemId("i-7").setShareId("s-1").build();
        SpecificRecord share = ShareEvent.newBuilder().setEventId("s-9").setUserId("u-1")
                .setEventTime(Instant.parse("2025-03-01T12:00:00Z")).setChannel("qr").setShareId("s-1").build();
        assertThat(codec.decode(EventType.CLICK, EventCodec.encode(click))).isEqualTo(click);
        assertThat(codec.decode(EventType.PURCHASE, EventCodec.encode(samplePurchase()))).isEqualTo(samplePurchase());
        assertThat(codec.decode(EventType.SHARE, EventCodec.encode(share))).isEqualTo(share);
    }

    @Test
    void readsRecordsWrittenWithEveryHistoricalSchema() throws Exception {
        for (Schema writer : SchemaHistory.all()) {
            GenericRecord record = minimalRecord(writer);
            GenericData model = new GenericData();
            model.addLogicalTypeConversion(new Conversions.DecimalConversion());
            byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(model, writer).encode(record));
            EventType type = EventType.valueOf(writer.getName().replace("Event", "").toUpperCase());
            SpecificRecord decoded = codec.decode(type, bytes);
            assertThat(decoded.get(decoded.getSchema().getField("event_id").pos())).isEqualTo("e-1");
        }
    }

    /** A record with every required field filled, whatever the version. */
    private static GenericRecord minimalRecord(Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            Schema s = f.schema();
            if (s.getType() == Schema.Type.UNION) {
                r.put(f.name(), null);
            } else if (s.getLogicalType() instanceof LogicalTypes.Decimal) {
                r.put(f.name(), new BigDecimal("1.00"));
            } else if (s.getType() == Schema.Type.LONG) {
                r.put(f.name(), 1_735_689_600_000L);
            } else {
                r.put(f.name(), f.name().equals("event_id") ? "e-1" : "x");
            }
        }
        return r;
    }

    @Test
    void unknownFingerprintIsUnknownSchema() {
        Schema stranger = SchemaBuilder.record("ClickEvent").namespace("io.customerpulse.events.avro").fields()
                .requiredString("event_id").requiredString("user_id").endRecord();
        GenericData.Record r = new GenericData.Record(stranger);
        r.put("event_id", "e");
        r.put("user_id", "u");
        byte[] bytes = toBytes(encode(stranger, r));
        assertThatThrownBy(() -> codec.decode(EventType.CLICK, bytes))
                .isInstanceOfSatisfying(EventCodec.DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA));
    }

    @Test
    void aPurchaseOnTheClicksTopicIsUnknownSchema() {
        byte[] purchase = EventCodec.encode(samplePurchase());
        assertThatThrownBy(() -> codec.decode(EventType.CLICK, purchase))
                .isInstanceOfSatisfying(EventCodec.DecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA));
    }

    @Test
    void garbageTruncatedAndEmptyAreUndecodable() {
        byte[] good = EventCodec.encode(samplePurchase());
        byte[][] bad = {
            "{\"json\": true}".getBytes(),
            Arrays.copyOf(good, good.length - 5),
            Arrays.copyOf(good, 6),
            new byte[0],
            null,
        };
        for (byte[] bytes : bad) {
            assertThatThrownBy(() -> codec.decode(EventType.PURCHASE, bytes))
                    .isInstanceOfSatisfying(EventCodec.DecodeException.class,
                            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE));
        }
    }

    private static ByteBuffer encode(Schema schema, GenericRecord r) {
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
