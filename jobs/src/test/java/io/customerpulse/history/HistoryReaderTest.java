package io.customerpulse.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.SchemaHistory;
import io.customerpulse.events.avro.PurchaseEvent;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

class HistoryReaderTest {
    private final EventDecoder decoder = new EventDecoder(new EventValidator(EventValidator.DEFAULT_EARLIEST,
            Duration.ofDays(1), new CurrencyConverter("CNY", Map.of())));

    private List<IngestRecord> read(byte[] bytes, HistoryFormat format) throws IOException {
        List<IngestRecord> out = new ArrayList<>();
        try (HistoryReader reader = HistoryReader.open("history.x", new ByteArrayInputStream(bytes), format, decoder)) {
            IngestRecord r;
            while ((r = reader.next()) != null) {
                out.add(r);
            }
            assertThat(reader.bytesRead()).isEqualTo(bytes.length);
        }
        return out;
    }

    private static String describe(IngestRecord r) {
        return r.isEvent() ? "event " + r.event.eventId + " " + r.event.type + " t=" + r.event.eventTime
                + (r.event.isPurchase() ? " value=" + r.event.valueMinor : "")
                : "refused line " + r.deadLetter.sourceOffset + " " + r.deadLetter.reason;
    }

    @Test
    void readsJsonLinesAndRefusesEveryKindOfBadLine() throws IOException {
        String lines = String.join("\n",
                "{\"type\":\"purchase\",\"event_id\":\"p-17\",\"user_id\":\"u-3\",\"event_time\":\"2025-03-01T12:00:00Z\",\"channel\":\"store\",\"order_id\":\"o-9\",\"amount\":\"12.50\",\"currency\":\"CNY\",\"store_id\":\"sh-01\"}",
                "{\"type\":\"click\",\"event_id\":\"c-1\",\"user_id\":\"u-3\",\"event_time\":1740830400000,\"channel\":\"app\",\"page\":\"/\"}",
                "",
                "{\"type\":\"purchase\",\"event_id\":\"p-18\",\"user_id\":\"u-3\",\"event_time\":\"2025-03-01T12:00:00Z\",\"channel\":\"web\",\"order_id\":\"o\",\"amount\":9.9,\"currency\":\"cny\",\"extra\":\"ignored\"}",
                "not json at all",
                "{\"type\":\"refund\",\"event_id\":\"x\"}",
                "{\"type\":\"click\",\"event_id\":\"c-2\",\"user_id\":\"u-3\",\"channel\":\"app\"}",
                "{\"type\":\"purchase\",\"event_id\":\"p-19\",\"user_id\":\"u-3\",\"event_time\":\"2025-03-01T12:00:00Z\",\"channel\":\"web\",\"order_id\":\"o\",\"amount\":\"12.345\",\"currency\":\"CNY\"}",
                "{\"type\":\"purchase\",\"event_id\":\"p-20\",\"user_id\":\"u-3\",\"event_time\":\"2025-03-01T12:00:00Z\",\"channel\":\"web\",\"order_id\":\"o\",\"amount\":\"-1\",\"currency\":\"CNY\"}",
                "{\"type\":\"share\",\"event_id\":\"s-1\",\"user_id\":\"\",\"event_time\":\"2025-03-01T12:00:00Z\",\"channel\":\"app\",\"share_id\":\"x\"}");
        List<IngestRecord> records = read(lines.getBytes(StandardCharsets.UTF_8), HistoryFormat.JSON_LINES);
        assertThat(records).extracting(HistoryReaderTest::describe).containsExactly(
                "event p-17 PURCHASE t=1740830400000 value=1250",
                "event c-1 CLICK t=1740830400000",
                "event p-18 PURCHASE t=1740830400000 value=990",
                "refused line 5 undecodable",
                "refused line 6 undecodable",
                "refused line 7 missing_field",
                "refused line 8 undecodable",
                "refused line 9 negative_amount",
                "refused line 10 missing_field");
        IngestRecord notJson = records.get(3);
        assertThat(notJson.deadLetter.sourceTopic).isEqualTo("history.x");
        assertThat(new String(notJson.deadLetter.payload, StandardCharsets.UTF_8)).isEqualTo("not json at all");
    }

    @Test
    void readsGzippedJsonLines() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(("{\"type\":\"share\",\"event_id\":\"s-1\",\"user_id\":\"u\",\"event_time\":\"2025-03-01T12:00:00Z\","
                    + "\"channel\":\"qr\",\"share_id\":\"sh\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(read(bytes.toByteArray(), HistoryFormat.JSON_LINES_GZIP)).extracting(HistoryReaderTest::describe)
                .containsExactly("event s-1 SHARE t=1740830400000");
    }

    @Test
    void readsAvroContainersOfEverySchemaVersion() throws IOException {
        for (Schema version : SchemaHistory.all()) {
            if (!version.getName().equals("PurchaseEvent")) {
                continue;
            }
            GenericData model = new GenericData();
            model.addLogicalTypeConversion(new Conversions.DecimalConversion());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(version, model))) {
                writer.create(version, bytes);
                for (int i = 0; i < 3; i++) {
                    GenericData.Record r = new GenericData.Record(version);
                    for (Schema.Field f : version.getFields()) {
                        if (f.schema().getType() == Schema.Type.UNION) {
                            r.put(f.name(), null);
                        } else if (f.schema().getLogicalType() instanceof LogicalTypes.Decimal) {
                            r.put(f.name(), new BigDecimal("3.00"));
                        } else if (f.schema().getType() == Schema.Type.LONG) {
                            r.put(f.name(), Instant.parse("2025-03-01T12:00:00Z").toEpochMilli());
                        } else {
                            r.put(f.name(), f.name().equals("event_id") ? "p-" + i : f.name().equals("currency") ? "CNY" : "x");
                        }
                    }
                    writer.append(r);
                }
            }
            assertThat(read(bytes.toByteArray(), HistoryFormat.AVRO)).extracting(HistoryReaderTest::describe)
                    .as("written with %s", version).containsExactly(
                            "event p-0 PURCHASE t=1740830400000 value=300",
                            "event p-1 PURCHASE t=1740830400000 value=300",
                            "event p-2 PURCHASE t=1740830400000 value=300");
        }
    }

    @Test
    void aGzipFileCutOffEndsWithOneDeadLetterThatSaysWhere() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (int i = 0; i < 2_000; i++) {
                gz.write(("{\"type\":\"click\",\"event_id\":\"c-" + i + "\",\"user_id\":\"u" + i % 7
                        + "\",\"event_time\":\"2025-03-01T12:00:00Z\",\"channel\":\"web\"}\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2); // a copy that stopped half-way
        List<IngestRecord> records = new ArrayList<>();
        try (HistoryReader reader = HistoryReader.open("cut.jsonl.gz", new ByteArrayInputStream(cut), HistoryFormat.JSON_LINES_GZIP, decoder)) {
            IngestRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        List<IngestRecord> events = records.stream().filter(IngestRecord::isEvent).toList();
        assertThat(events).hasSizeBetween(1, 1_999);
        // the events before the cut, in order, then the dead letter: nothing after it
        assertThat(events).extracting(r -> r.event.eventId)
                .isEqualTo(java.util.stream.IntStream.range(0, events.size()).mapToObj(i -> "c-" + i).toList());
        IngestRecord last = records.get(records.size() - 1);
        assertThat(records).hasSize(events.size() + 1);
        assertThat(last.deadLetter.reason).isEqualTo("undecodable");
        assertThat(last.deadLetter.sourceOffset).isGreaterThan(events.size());
        assertThat(last.deadLetter.detail).startsWith("the file breaks off after line ");
    }

    @Test
    void aCorruptContainerEndsWithOneDeadLetter() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataFileWriter<PurchaseEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(PurchaseEvent.class))) {
            writer.create(PurchaseEvent.getClassSchema(), bytes);
            writer.setSyncInterval(64);
            for (int i = 0; i < 50; i++) {
                writer.append(PurchaseEvent.newBuilder().setEventId("p-" + i).setUserId("u")
                        .setEventTime(Instant.parse("2025-03-01T12:00:00Z")).setChannel("web").setOrderId("o")
                        .setAmount(new BigDecimal("1.00")).setCurrency("CNY").build());
                writer.flush();
            }
        }
        byte[] corrupt = bytes.toByteArray();
        Arrays.fill(corrupt, corrupt.length / 2, corrupt.length / 2 + 40, (byte) 0x7f);
        List<IngestRecord> records = new ArrayList<>();
        try (HistoryReader reader = HistoryReader.open("bad.avro", new ByteArrayInputStream(corrupt), HistoryFormat.AVRO, decoder)) {
            IngestRecord r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        assertThat(records).filteredOn(IngestRecord::isEvent).hasSizeBetween(1, 49); // the blocks before the damage
        assertThat(records.get(records.size() - 1).deadLetter.reason).isEqualTo("undecodable");
        assertThat(records).filteredOn(r -> !r.isEvent()).hasSize(1);
    }
}
