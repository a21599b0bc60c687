package io.customerpulse.cli;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.rocksdb.CompressionType;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * How the job runs on Flink and writes to PostgreSQL. The defaults live in the options'
 * annotations: build instances by parsing ({@link #parse}), never with bare {@code new}.
 */
public class JobOptions {
    /** Options from {@code args}, every other option at its default. */
    public static JobOptions parse(String... args) {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Option(names = "--parallelism", converter = Converters.AtLeastOne.class, description = "Parallelism of the job. Default: the cluster's parallelism.default.")
    public Integer parallelism;

    @Option(names = "--max-parallelism", defaultValue = "128", converter = Converters.AtLeastOne.class,
            description = "Key groups: the most the job can ever be scaled to without losing state. Default: ${DEFAULT-VALUE}.")
    public int maxParallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "10s", converter = Converters.DurationConverter.class,
            description = "Checkpoint interval (RocksDB, incremental). Default: ${DEFAULT-VALUE}.")
    public Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", paramLabel = "<uri>",
            description = "Checkpoint storage (file:///..., s3://...). Default: the cluster's execution.checkpointing.dir.")
    public String checkpointDir;

    @Option(names = "--flush-interval", defaultValue = "1s", converter = Converters.DurationConverter.class,
            description = {"How often coalesced rows are written to PostgreSQL: the tables' freshness. Watermarks come every fifth",
                "of it (at most every 200 ms) and the JDBC writers flush within a tenth of it. Default: ${DEFAULT-VALUE}."})
    public Duration flushInterval;

    @Option(names = "--sink-batch-size", defaultValue = "5000", converter = Converters.AtLeastOne.class, description = "Rows per JDBC batch. Default: ${DEFAULT-VALUE}.")
    public int sinkBatchSize;

    @Option(names = "--sink-max-retries", defaultValue = "5",
            description = "Retries of a failed JDBC batch (reconnecting) before the job fails and restarts from its checkpoint. Default: ${DEFAULT-VALUE}.")
    public int sinkMaxRetries;

    /** Rows held per coalescing buffer before an early flush, bounding its memory. */
    public static final int COALESCE_MAX_KEYS = 50_000;

    /**
     * The job's Flink configuration: RocksDB with incremental checkpoints, explicit uids and max
     * parallelism, no silent Kryo. Cluster settings not named here still apply.
     */
    public Configuration flinkConfiguration(String jobName) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, jobName);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
        }
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Records pass between chained operators without a serializer copy each hop. Safe because
        // no function of these jobs changes an object it received or emits an object it keeps
        // changing: events, rows and updates are made fresh and never mutated once emitted.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        tuneRocksDb(conf);
        conf.set(PipelineOptions.MAX_PARALLELISM, maxParallelism);
        // Rows wait for the watermark to pass their events: with a short flush interval asked for
        // (fresh rows), watermarks come more often than Flink's 200 ms default, never less often.
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL,
                Duration.ofMillis(Math.max(10, Math.min(200, flushInterval.toMillis() / 5))));
        if (parallelism != null) {
            conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        }
        return conf;
    }

    /**
     * The RocksDB settings of every job here, set on {@code conf}. The bench gives them to its
     * Flink SQL job too, so that the comparison with the retention job is of the two programs,
     * not of their state backends' settings.
     */
    public static void tuneRocksDb(Configuration conf) {
        // Most state reads miss (an event id not seen before, a user with nothing held): a bloom
        // filter answers those without reading every level's blocks. Measured: +30% retention_live
        // at 40,000 users (README, Performance).
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // State blocks stored uncompressed. Once the users' state outgrows RocksDB's block cache
        // (about 10^6 users on the bench's memory), every read of a block the cache dropped
        // decompressed it again, the index block of a whole file included: Snappy was a quarter of
        // the job's CPU at 10^6 users, and without it the job ran 1.5-1.9 times as fast (README,
        // Performance). The price is disk: the files (and incremental checkpoints) are larger.
        conf.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(CompressionType.NO_COMPRESSION));
    }

    /**
     * The JDBC writers' settings. The coalescing operators in front of them hand over their rows
     * once per flush interval; the writer's own timer runs at a tenth of that, so a flushed burst
     * reaches PostgreSQL within a tenth of the interval instead of up to a whole one more.
     */
    public JdbcExecutionOptions sinkExecution() {
        return JdbcExecutionOptions.builder()
                .withBatchSize(sinkBatchSize)
                .withBatchIntervalMs(Math.max(10, flushInterval.toMillis() / 10))
                .withMaxRetries(sinkMaxRetries)
                .build();
    }
}
