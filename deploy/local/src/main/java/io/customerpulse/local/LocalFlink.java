package io.customerpulse.local;

import io.customerpulse.cli.PulseJob;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Flink "session" in this JVM that several jobs are submitted to, like a small cluster: a
 * JobManager with its REST API on a free loopback port and one TaskManager with enough slots.
 */
public final class LocalFlink implements AutoCloseable {
    private final MiniCluster cluster;

    private LocalFlink(MiniCluster cluster) {
        this.cluster = cluster;
    }

    public static LocalFlink start(int slots) throws Exception {
        return start(slotsConfiguration(slots));
    }

    /**
     * As {@link #start(int)}, with the cluster's working directory (its jobs' RocksDB state among
     * it) in a {@code minicluster_*} directory under {@code workingDirectoryBase} instead of the
     * system's temporary directory: where a caller can find and remove it.
     */
    public static LocalFlink start(int slots, Path workingDirectoryBase) throws Exception {
        Configuration conf = slotsConfiguration(slots);
        conf.set(ClusterOptions.PROCESS_WORKING_DIR_BASE, workingDirectoryBase.toAbsolutePath().toString());
        return start(conf);
    }

    private static Configuration slotsConfiguration(int slots) {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        return conf;
    }

    /**
     * A cluster of one TaskManager configured by {@code conf} (its slots from
     * {@code taskmanager.numberOfTaskSlots}), for example a backfill's in-process configuration.
     */
    public static LocalFlink start(Configuration conf) throws Exception {
        conf = new Configuration(conf);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        // Accumulators (the jobs' read and row counters, which the bench and LiveEqualsBackfillTest
        // wait for) reach the JobManager only with the TaskManager's heartbeats, every 10 s by
        // default: a bench run that read its events in 0.3 s waited about 10 s more to be told.
        // The figures come from the jobs' own clocks, not from when the counters arrive.
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(conf.get(TaskManagerOptions.NUM_TASK_SLOTS))
                .build());
        cluster.start();
        return new LocalFlink(cluster);
    }

    /** Builds {@code job}'s dataflow with its own configuration and submits it. */
    public JobID submit(PulseJob job) throws Exception {
        job.prepareServingStore();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                job.job.flinkConfiguration(job.jobName()));
        job.build(env);
        return submit(env);
    }

    /** Submits the dataflow defined in {@code env}. */
    public JobID submit(StreamExecutionEnvironment env) throws Exception {
        JobGraph graph = env.getStreamGraph().getJobGraph();
        cluster.submitJob(graph).get(60, TimeUnit.SECONDS);
        return graph.getJobID();
    }

    /** Waits for a bounded job to finish; its net run time in milliseconds. */
    public long awaitFinished(JobID job) throws Exception {
        var result = cluster.requestJobResult(job).get(30, TimeUnit.MINUTES);
        if (!result.isSuccess()) {
            throw new IllegalStateException("Job " + job + " failed", result.getSerializedThrowable()
                    .map(t -> t.deserializeError(getClass().getClassLoader())).orElse(null));
        }
        return result.getNetRuntime();
    }

    /** A finished job: when it was submitted and when it finished (wall clock, ms), its accumulators. */
    public record FinishedJob(long submittedAt, long finishedAt, Map<String, Object> accumulators) {
        public long runTime() {
            return finishedAt - submittedAt;
        }
    }

    /** What {@code job} did, once {@link #awaitFinished} has returned. */
    public FinishedJob finishedJob(JobID job) throws Exception {
        var graph = cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
        return new FinishedJob(graph.getStatusTimestamp(JobStatus.INITIALIZING), graph.getStatusTimestamp(JobStatus.FINISHED),
                accumulators(job));
    }

    public boolean isRunning(JobID job) throws Exception {
        return !cluster.getJobStatus(job).get(10, TimeUnit.SECONDS).isGloballyTerminalState();
    }

    /** Cancels the job and waits until every task has stopped (no sink writes after this). */
    public void cancelAndWait(JobID job) throws Exception {
        if (isRunning(job)) {
            cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
        }
        cluster.requestJobResult(job).get(60, TimeUnit.SECONDS);
    }

    /** The job's accumulators as they stand (running or finished). */
    public Map<String, Object> accumulators(JobID job) throws Exception {
        Map<String, Object> values = new HashMap<>();
        var serialized = cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS).getAccumulatorsSerialized();
        for (var entry : serialized.entrySet()) {
            values.put(entry.getKey(), entry.getValue().deserializeValue(getClass().getClassLoader()).getUnchecked());
        }
        return values;
    }

    /** Takes a savepoint in Flink's canonical format (the logical state) into {@code dir}; its path. */
    public String canonicalSavepoint(JobID job, java.nio.file.Path dir) throws Exception {
        return cluster.triggerSavepoint(job, dir.toUri().toString(), false,
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
    }

    public URI restAddress() throws Exception {
        return cluster.getRestAddress().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
