package io.customerpulse.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.sink.JdbcTarget;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/** An in-process backfill has a slot for every task of its job graph, so all its stages run at once. */
class BackfillJobGraphTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2, 4})
    void theInProcessClusterHasASlotForEveryTaskOfTheFullBackfill(int parallelism) throws Exception {
        Path history = Files.writeString(dir.resolve("history.jsonl"), "");
        BackfillJob backfill = new BackfillJob();
        new CommandLine(backfill).parseArgs("--input", history.toString(), "--parallelism", Integer.toString(parallelism),
                "--dead-letters", dir.resolve("dead-letters").toString());
        Configuration conf = backfill.inProcessConfiguration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        backfill.define(env, new JdbcTarget("jdbc:postgresql://localhost/unused", "pulse", null), null);

        int tasks = 0;
        for (JobVertex vertex : env.getStreamGraph().getJobGraph().getVertices()) {
            tasks += vertex.getParallelism() > 0 ? vertex.getParallelism() : parallelism;
        }
        assertThat(tasks).as("tasks of the backfill with both jobs' tables").isGreaterThan(parallelism * 8);
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(BackfillJob.IN_PROCESS_SLOTS_PER_INSTANCE * parallelism)
                .isGreaterThanOrEqualTo(tasks);
        // Each task, all running at once, with shuffle buffers of its own (parallelism 32 failed with Flink's 64 MB).
        assertThat(conf.get(TaskManagerOptions.NETWORK_MEMORY_MIN)).isEqualTo(conf.get(TaskManagerOptions.NETWORK_MEMORY_MAX))
                .isEqualTo(MemorySize.ofMebiBytes(4L * BackfillJob.IN_PROCESS_SLOTS_PER_INSTANCE * parallelism));
    }
}
