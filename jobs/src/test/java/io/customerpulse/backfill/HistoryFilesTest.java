package io.customerpulse.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

class HistoryFilesTest {
    @TempDir
    Path dir;

    @Test
    void directoriesAreSearchedForHistoryFilesInNameOrder() throws IOException {
        Path b = Files.writeString(dir.resolve("b.jsonl"), "");
        Path a = gzip(dir.resolve("sub/a.jsonl.gz"));
        Files.writeString(dir.resolve("notes.txt"), "not history");
        Files.writeString(dir.resolve(".hidden.jsonl"), "");
        assertThat(HistoryFiles.resolve(List.of(dir))).containsExactly(b, a);
    }

    @Test
    void aFileWhoseFirstBytesBelieItsNameIsRefusedByName() throws IOException {
        gzip(dir.resolve("good.jsonl.gz"));
        Path notGzip = Files.writeString(dir.resolve("plain.jsonl.gz"), "{\"type\":\"click\"}\n");
        assertThatThrownBy(() -> HistoryFiles.resolve(List.of(dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(notGzip + " is not gzip-compressed, as its name says");

        Path avro = dir.resolve("real.avro");
        org.apache.avro.Schema schema = org.apache.avro.SchemaBuilder.record("R").fields().requiredString("s").endRecord();
        try (var writer = new org.apache.avro.file.DataFileWriter<org.apache.avro.generic.GenericRecord>(
                new org.apache.avro.generic.GenericDatumWriter<>(schema))) {
            writer.create(schema, avro.toFile());
        }
        assertThat(HistoryFiles.resolve(List.of(avro))).as("a real Avro data file").containsExactly(avro);

        Path empty = Files.writeString(dir.resolve("empty.avro"), "");
        assertThatThrownBy(() -> HistoryFiles.resolve(List.of(empty)))
                .hasMessage(empty + " is not an Avro data file, as its name says");
        Path json = Files.writeString(dir.resolve("events.avro"), "{\"type\":\"click\"}\n");
        assertThatThrownBy(() -> HistoryFiles.resolve(List.of(json)))
                .hasMessage(json + " is not an Avro data file, as its name says");
    }

    private static Path gzip(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("{}\n".getBytes());
        }
        return file;
    }
}
