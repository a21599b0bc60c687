package io.customerpulse.sql;

import static org.apache.flink.table.api.DataTypes.DECIMAL;
import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP_LTZ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.events.EventCodec;
import io.customerpulse.events.SchemaHistory;
import io.customerpulse.events.avro.ClickEvent;
import io.customerpulse.events.avro.PurchaseEvent;
import io.customerpulse.testing.ClickEventV2;

import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class AvroSingleObjectFormatTest {
    private static final String CLICK = ClickEvent.getClassSchema().getFullName();
    private static final String PURCHASE = PurchaseEvent.getClassSchema().getFullName();
    private static final Instant AT = Instant.parse("2025-03-01T12:00:00.123Z");

    private static final RowType PURCHASE_COLUMNS = (RowType) ROW(
            FIELD("user_id", STRING()),
            FIELD("event_time", TIMESTAMP_LTZ(3)),
            FIELD("amount", DECIMAL(18, 2)),
            FIELD("store_id", STRING())).getLogicalType();
    private static final RowType CLICK_COLUMNS = (RowType) ROW(
            FIELD("event_id", STRING()),
            FIELD("user_id", STRING()),
            FIELD("event_time", TIMESTAMP_LTZ(3)),
            FIELD("referrer", STRING())).getLogicalType();

    @Test
    void theFactoryIsFoundByItsIdentifier() {
        assertThat(FactoryUtil.discoverFactory(getClass().getClassLoader(), DeserializationFormatFactory.class,
                "avro-single-object")).isInstanceOf(AvroSingleObjectFormatFactory.class);
    }

    @Test
    void decodesTheCurrentVersionIntoTheColumnsByName() throws Exception {
        PurchaseEvent purchase = PurchaseEvent.newBuilder().setEventId("p-1").setUserId("u-1")
                .setEventTime(AT).setChannel("store").setOrderId("o-1").setAmount(new BigDecimal("12.50"))
                .setCurrency("CNY").setShareId(null).setStoreId("sh-01").build();
        Deserializer d = deserializer(PURCHASE_COLUMNS, PURCHASE, SchemaHistory.of(PURCHASE), false);

        RowData row = d.schema.deserialize(EventCodec.encode(purchase));

        assertThat(row.getString(0).toString()).isEqualTo("u-1");
        assertThat(row.getTimestamp(1, 3)).isEqualTo(TimestampData.fromInstant(AT));
        assertThat(row.getDecimal(2, 18, 2)).isEqualTo(DecimalData.fromBigDecimal(new BigDecimal("12.50"), 18, 2));
        assertThat(row.getString(3).toString()).isEqualTo("sh-01");
    }

    @Test
    void picksTheWriterSchemaByFingerprint() throws Exception {
        byte[] v2 = ClickEventV2.encode("c-2", "u-2", AT.toEpochMilli(), "newsletter");
        ClickEvent v1 = ClickEvent.newBuilder().setEventId("c-1").setUserId("u-1").setEventTime(AT)
                .setChannel("web").setPage("cart").build();
        List<Schema> v1AndV2 = List.of(SchemaHistory.of(CLICK).get(0), ClickEventV2.SCHEMA);
        Deserializer d = deserializer(CLICK_COLUMNS, CLICK, v1AndV2, false);

        RowData fromV2 = d.schema.deserialize(v2);
        RowData fromV1 = d.schema.deserialize(EventCodec.encode(v1));

        assertThat(fromV2.getString(0).toString()).isEqualTo("c-2");
        assertThat(fromV2.getString(3).toString()).isEqualTo("newsletter");
        assertThat(fromV1.getString(0).toString()).isEqualTo("c-1");
        assertThat(fromV1.isNullAt(3)).as("a field v1 did not have reads as null").isTrue();
    }

    @Test
    void failsOnABadRecordByDefaultSayingWhy() throws Exception {
        Deserializer d = deserializer(CLICK_COLUMNS, CLICK, SchemaHistory.of(CLICK), false);

        assertThatThrownBy(() -> d.schema.deserialize("{\"json\": true}".getBytes()))
                .isInstanceOf(IOException.class).hasMessageContaining("not Avro single-object encoding")
                .hasMessageContaining("ignore-parse-errors");
        assertThatThrownBy(() -> d.schema.deserialize(ClickEventV2.encode("c-2", "u-2", 1L, null)))
                .isInstanceOf(IOException.class).hasMessageContaining("writer schema not in schemas/history");
        byte[] truncated = EventCodec.encode(ClickEvent.newBuilder().setEventId("c-1").setUserId("u-1")
                .setEventTime(AT).setChannel("web").setPage("cart").build());
        assertThatThrownBy(() -> d.schema.deserialize(java.util.Arrays.copyOf(truncated, truncated.length - 3)))
                .isInstanceOf(IOException.class).hasMessageContaining("corrupt body");
        assertThatThrownBy(() -> d.schema.deserialize(new byte[0]))
                .isInstanceOf(IOException.class).hasMessageContaining("empty value");
    }

    @Test
    void skipsAndCountsBadRecordsWhenAskedTo() throws Exception {
        Deserializer d = deserializer(CLICK_COLUMNS, CLICK, SchemaHistory.of(CLICK), true);

        assertThat(d.schema.deserialize(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3})).isNull();
        assertThat(d.schema.deserialize(new byte[0])).isNull();
        assertThat(d.schema.deserialize(null)).as("a tombstone is not an error").isNull();

        assertThat(d.counters.get(AvroSingleObjectDeserializationSchema.SKIPPED_METRIC).getCount()).isEqualTo(2);
    }

    @Test
    void refusesColumnsThatWouldMisreadTheRecord() {
        List<Schema> writers = SchemaHistory.of(PURCHASE);
        RowType rescaled = (RowType) ROW(FIELD("amount", DECIMAL(10, 3))).getLogicalType();
        RowType zoneless = (RowType) ROW(FIELD("event_time", TIMESTAMP(3))).getLogicalType();
        RowType requiredOptional = (RowType) ROW(FIELD("store_id", STRING().notNull())).getLogicalType();
        RowType wrongType = (RowType) ROW(FIELD("user_id", DECIMAL(18, 2))).getLogicalType();
        RowType requiredMissing = (RowType) ROW(FIELD("referrer", STRING().notNull())).getLogicalType();

        assertThatThrownBy(() -> AvroSingleObjectFormatFactory.readerSchema(rescaled, PURCHASE, writers))
                .isInstanceOf(ValidationException.class).hasMessageContaining("decimal(10,3)");
        assertThatThrownBy(() -> AvroSingleObjectFormatFactory.readerSchema(zoneless, PURCHASE, writers))
                .isInstanceOf(ValidationException.class).hasMessageContaining("TIMESTAMP_LTZ(3)");
        assertThatThrownBy(() -> AvroSingleObjectFormatFactory.readerSchema(requiredOptional, PURCHASE, writers))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> AvroSingleObjectFormatFactory.readerSchema(wrongType, PURCHASE, writers))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> AvroSingleObjectFormatFactory.readerSchema(requiredMissing, PURCHASE, writers))
                .isInstanceOf(ValidationException.class);
        assertThat(AvroSingleObjectFormatFactory.readerSchema(
                (RowType) ROW(FIELD("referrer", STRING())).getLogicalType(), PURCHASE, writers).getFields())
                .as("a nullable column no version has reads as null").hasSize(1);
    }

    @Test
    void acceptsTopicWordsOrFullNamesAndRefusesOthers() {
        assertThat(AvroSingleObjectFormatFactory.recordFullName("clicks")).isEqualTo(CLICK);
        assertThat(AvroSingleObjectFormatFactory.recordFullName(PURCHASE)).isEqualTo(PURCHASE);
        assertThatThrownBy(() -> AvroSingleObjectFormatFactory.recordFullName("click"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("clicks");
    }

    private record Deserializer(AvroSingleObjectDeserializationSchema schema, Map<String, Counter> counters) {}

    private static Deserializer deserializer(RowType columns, String fullName, List<Schema> writers,
            boolean ignoreParseErrors) {
        Schema reader = AvroSingleObjectFormatFactory.readerSchema(columns, fullName, writers);
        AvroSingleObjectDeserializationSchema schema = new AvroSingleObjectDeserializationSchema(
                columns, TypeInformation.of(RowData.class), reader, writers, ignoreParseErrors);
        Map<String, Counter> counters = new HashMap<>();
        MetricGroup metrics = new UnregisteredMetricsGroup() {
            @Override
            public Counter counter(String name) {
                return counters.computeIfAbsent(name, n -> new SimpleCounter());
            }
        };
        schema.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(AvroSingleObjectFormatTest.class.getClassLoader());
            }
        });
        return new Deserializer(schema, counters);
    }
}
