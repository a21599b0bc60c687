package io.customerpulse.cli;

import org.apache.flink.configuration.PipelineOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class JobOptionsTest {

    /**
     * The watermark interval is a fifth of the flush interval, between 10 ms and Flink's default
     * of 200 ms; JDBC writers flush their batches at a tenth of it, at least every 10 ms.
     */
    @ParameterizedTest(name = "--flush-interval {0}: watermarks every {1} ms, writer batches every {2} ms")
    @CsvSource({
        "'',    200, 100", // the default, 1 s
        "250ms,  50,  25",
        "5s,    200, 500", // never rarer than Flink's default
        "20ms,   10,  10", // floors
    })
    void watermarkAndWriterIntervalsFollowTheFlushInterval(String flushInterval, long watermarkMs, long writerBatchMs) {
        JobOptions options = flushInterval.isEmpty() ? JobOptions.parse() : JobOptions.parse("--flush-interval", flushInterval);

        assertThat(options.flinkConfiguration("t").get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(watermarkMs));
        assertThat(options.sinkExecution().getBatchIntervalMs()).isEqualTo(writerBatchMs);
    }
}
