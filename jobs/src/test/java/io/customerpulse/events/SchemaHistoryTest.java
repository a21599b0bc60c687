package io.customerpulse.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Keeps schemas/ honest: the current schemas are in the history, and every version stays readable. */
class SchemaHistoryTest {
    private static final Path SCHEMAS = Path.of("..", "schemas");

    @Test
    void everyHistoryFileIsListed() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS.resolve("history"))) {
            List<String> onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList();
            assertThat(SchemaHistory.versionFiles()).containsExactlyInAnyOrderElementsOf(onDisk);
        }
    }

    @Test
    void theNewestVersionOfEachEventIsTheCurrentSchema() throws IOException {
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            List<Path> current = files.filter(p -> p.toString().endsWith(".avsc")).toList();
            assertThat(current).hasSize(3);
            for (Path file : current) {
                Schema schema = new Schema.Parser().parse(file.toFile());
                List<Schema> versions = SchemaHistory.of(schema.getFullName());
                assertThat(versions).as("history of %s", schema.getFullName()).isNotEmpty();
                assertThat(versions.get(versions.size() - 1)).as("newest %s", schema.getFullName()).isEqualTo(schema);
            }
        }
    }

    @Test
    void theCurrentSchemasCanReadEveryVersion() throws IOException {
        for (Schema version : SchemaHistory.all()) {
            Path currentFile = SCHEMAS.resolve(version.getName() + ".avsc");
            Schema current = new Schema.Parser().parse(currentFile.toFile());
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, version);
            assertThat(result.getType()).as("%s reads %s", current.getFullName(), version)
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
