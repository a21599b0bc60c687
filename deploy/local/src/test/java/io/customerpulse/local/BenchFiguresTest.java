package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The bench's output contract: the JSON scripts read, medians, ratios and the target verdicts. */
class BenchFiguresTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final BenchFigures figures = new BenchFigures(new PrintStream(printed, true, StandardCharsets.UTF_8));

    @Test
    void writesEachFigureAsValueAndUnit(@TempDir Path dir) throws Exception {
        figures.put("retention_live", 123456.4, "events/s", "how");
        figures.put("latency_p99_ms", 837.25, "ms", "how");
        figures.put("rows_per_event", 0.81549, "rows/event", "how");
        Path json = dir.resolve("bench.json");
        figures.writeJson(json);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.size()).isEqualTo(3);
        assertThat(root.path("retention_live").path("value").asDouble()).isEqualTo(123456.0);
        assertThat(root.path("retention_live").path("unit").asText()).isEqualTo("events/s");
        assertThat(root.path("latency_p99_ms").path("value").asDouble()).isEqualTo(837.0);
        assertThat(root.path("rows_per_event").path("value").asDouble()).isEqualTo(0.815);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(BenchFigures.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(BenchFigures.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void targetsAreJudgedOnFiguresAndRatiosAndSayWhatWasNotMeasured() {
        figures.put("retention_live", 40_000, "events/s", "how");
        figures.put("raw_ingest", 100_000, "events/s", "how");
        figures.put("latency_p99_ms", 1_200, "ms", "how");
        assertThat(figures.value("retention_live / raw_ingest")).contains(0.4);

        figures.print(new PrintStream(printed, true, StandardCharsets.UTF_8), List.of(
                new BenchFigures.Target("retention_live / raw_ingest", true, 0.35),
                new BenchFigures.Target("latency_p99_ms", false, 1_000),
                new BenchFigures.Target("sql_equivalent", true, 1)));
        String table = printed.toString(StandardCharsets.UTF_8);
        assertThat(table).containsPattern("retention_live / raw_ingest\\s+0\\.400\\s+>= 0\\.350\\s+met")
                .containsPattern("latency_p99_ms\\s+1,200\\s+<= 1,000\\s+MISSED")
                .containsPattern("sql_equivalent\\s+-\\s+>= 1\\.000\\s+not measured");
    }
}
