package io.customerpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

/** The job's command line reaches the settings its timeline runs with. */
class RetentionJobOptionsTest {
    @Test
    void theHeapLimitAndTheDefinitionsComeFromTheCommandLine() {
        RetentionJob job = new RetentionJob();
        new CommandLine(job).parseArgs("--max-waiting-on-heap", "2500", "--dedup-horizon", "3d");
        RetentionSettings settings = job.settings();
        assertThat(settings.maxWaitingOnHeap).isEqualTo(2500);
        assertThat(settings.dedupHorizon).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void withoutTheOptionTheLimitIsTheDocumentedDefault() {
        RetentionJob job = new RetentionJob();
        new CommandLine(job).parseArgs();
        assertThat(job.settings().maxWaitingOnHeap).isEqualTo(100_000);
    }

    @Test
    void aNegativeLimitIsRefused() {
        RetentionJob job = new RetentionJob();
        new CommandLine(job).parseArgs("--max-waiting-on-heap", "-1");
        org.assertj.core.api.Assertions.assertThatThrownBy(job::settings)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void aSplitDriftIsRefusedWithHistoryFilesWhoseReadersCannotPause() {
        RetentionJob job = new RetentionJob();
        new CommandLine(job).parseArgs("--history", "history.jsonl.gz", "--history-end", "2025-01-01T00:00:00Z",
                "--max-split-drift", "1h");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> job.build(org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-split-drift");
    }
}
