package io.customerpulse.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.EventValidator;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

class HistoryFileFormatTest {
    @TempDir
    Path dir;

    @Test
    void anInProcessReaderReportsTheBytesAndRecordsItHasReadAsItGoes() throws Exception {
        StringBuilder lines = new StringBuilder();
        int events = 2500; // more than one batch of 1,024
        for (int i = 0; i < events; i++) {
            lines.append("{\"type\":\"click\",\"event_id\":\"c-").append(i).append("\",\"user_id\":\"u-").append(i % 7)
                    .append("\",\"event_time\":\"2025-03-01T12:00:00Z\",\"channel\":\"web\",\"page\":\"/\"}\n");
        }
        lines.append("not json\n"); // a bad line is a record read too (it becomes a dead letter)
        Path file = dir.resolve("history.jsonl");
        Files.writeString(file, lines, StandardCharsets.UTF_8);

        HistoryProgress.Counters progress = HistoryProgress.start("test-run");
        try {
            EventDecoder decoder = new EventDecoder(new EventValidator(EventValidator.DEFAULT_EARLIEST, Duration.ofDays(1),
                    new CurrencyConverter("CNY", Map.of())));
            HistoryFileFormat format = new HistoryFileFormat(decoder, "test-run");
            FileSourceSplit split = new FileSourceSplit("0", new org.apache.flink.core.fs.Path(file.toUri()), 0,
                    Files.size(file), 0, Files.size(file));
            long seen = 0;
            try (BulkFormat.Reader<IngestRecord> reader = format.createReader(new Configuration(), split)) {
                BulkFormat.RecordIterator<IngestRecord> batch = reader.readBatch();
                // After the first batch, the counters stand at that batch: not at zero, not at the end.
                assertThat(progress.records().get()).isEqualTo(1024);
                assertThat(progress.bytes().get()).isPositive().isLessThan(Files.size(file));
                while (batch != null) {
                    RecordAndPosition<IngestRecord> r;
                    while ((r = batch.next()) != null) {
                        seen++;
                    }
                    batch.releaseBatch();
                    batch = reader.readBatch();
                }
            }
            assertThat(seen).isEqualTo(events + 1);
            assertThat(progress.records().get()).isEqualTo(events + 1);
            assertThat(progress.bytes().get()).isEqualTo(Files.size(file));
        } finally {
            HistoryProgress.finish("test-run");
        }
    }
}
