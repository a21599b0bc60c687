package io.customerpulse.local;

import io.customerpulse.backfill.BackfillJob;
import io.customerpulse.backfill.HistoryFiles;
import io.customerpulse.history.HistoryProgress;
import io.customerpulse.ingest.IngestRouter;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./pulse backfill}: the backfill job on an in-process Flink, with progress on the
 * terminal and a summary at the end. Without --jdbc-url it writes to the local cluster's
 * PostgreSQL if that runs, else to the local embedded one (.pulse/postgres).
 */
@Command(name = "backfill", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Fills the serving tables from history: files (JSON Lines, gzip or not, Avro) or a bounded range of the Kafka topics.",
            "The same events give the same tables as live processing; input need not be sorted.",
            "Without --jdbc-url it writes to the local cluster's PostgreSQL while `./pulse cluster start` runs it, else to "
                + "the local embedded PostgreSQL (.pulse/postgres). The password comes from PULSE_JDBC_PASSWORD."})
public class BackfillCommand extends BackfillJob {
    /**
     * The least sort memory a slot may have. Flink's sorter refuses to start with fewer than 12
     * pages of 32 KB; a backfill's stages sort one keyed input each, and 1 MB leaves it room.
     */
    static final MemorySize MIN_SORT_MEMORY = MemorySize.ofMebiBytes(1);

    @Spec CommandSpec spec;

    private MemorySize sortMemory = IN_PROCESS_MANAGED_MEMORY_PER_SLOT;

    @Option(names = "--sort-memory", paramLabel = "<size>", defaultValue = IN_PROCESS_SORT_MEMORY,
            description = "Memory each task slot of the in-process Flink gives its sorts (each keyed stage sorts its input by key "
                    + "and event time); beyond it they spill to disk (--spill-dir). Sizes as Flink writes them (512m, 2g). "
                    + "Default: ${DEFAULT-VALUE}, at least 1m.")
    void sortMemory(String value) {
        MemorySize size;
        try {
            size = MemorySize.parse(value);
        } catch (IllegalArgumentException notASize) {
            throw new ParameterException(spec.commandLine(), "--sort-memory: not a size: " + value + " (examples: 64m, 1g)");
        }
        if (size.compareTo(MIN_SORT_MEMORY) < 0) {
            throw new ParameterException(spec.commandLine(), "--sort-memory must be at least 1m, not " + value);
        }
        sortMemory = size;
    }

    @Option(names = "--spill-dir", paramLabel = "<dir>",
            description = "Where the sorts and shuffles spill beyond their memory (Flink's io.tmp.dirs; a history of 3.3 million "
                    + "events peaked at 1.7 GB here). Default: the system's temporary directory (java.io.tmpdir).")
    Path spillDirectory;

    @Override
    protected MemorySize inProcessSortMemoryPerSlot() {
        return sortMemory;
    }

    @Override
    protected Path inProcessSpillDirectory() {
        return spillDirectory;
    }

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        checkSelection(); // before the embedded PostgreSQL starts
        // Refused here in one line rather than by Flink: a spill directory at the cluster's start,
        // a dead-letter directory only at the end, after every table was written.
        String spillWhat = spillDirectory != null
                ? "--spill-dir" : "the spill directory (--spill-dir, default the system's temporary directory)";
        Path spillPlace = spillDirectory != null ? spillDirectory : Path.of(System.getProperty("java.io.tmpdir"));
        if (spillDirectory != null) {
            OutputLocations.directory("--spill-dir", spillDirectory);
        }
        SpillRoom.check(spillWhat, spillPlace);
        if (deadLetters != null) {
            OutputLocations.directory("--dead-letters", deadLetters);
        }
        boolean embedded = !spec.commandLine().getParseResult().hasMatchedOption("--jdbc-url");
        if (job.parallelism == null) {
            job.parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
        }
        long totalBytes = fromKafka ? 0 : HistoryFiles.totalBytes(HistoryFiles.resolve(inputs));
        if (fromKafka) {
            LocalCluster cluster = LocalCluster.current();
            if (kafka.bootstrapServers == null && cluster.kafka().running().isPresent()) {
                // Without --bootstrap-servers the local cluster's broker while it runs, as its
                // PostgreSQL is the store then (below); else the job's default.
                kafka.bootstrapServers = cluster.runningKafka();
            }
            KafkaPreflight.check(bootstrapServers(), kafka.clientProperties(), kafka.topics().eventTopics(), KafkaPreflight.TIMEOUT);
        }
        DefaultServingStore store = null;
        try {
            if (embedded) {
                store = DefaultServingStore.open();
                jdbc.use(store.target());
                out.println("Writing to " + store.description());
            }
            if (deadLetters == null) {
                deadLetters = PulseHome.runDirectory().resolve("backfill").resolve(
                        "dead-letters-" + java.time.Instant.now().toString().replace(':', '-'));
            }
            try {
                runWithProgress(totalBytes);
            } catch (Exception failure) {
                if (SpillRoom.ranOut(failure)) {
                    throw SpillRoom.ranOut(spillWhat, spillPlace, failure);
                }
                throw failure;
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
        return 0;
    }

    /** The job to its end, run again if Flink's hybrid-shuffle race failed it; then the summary. */
    private void runWithProgress(long totalBytes) throws Exception {
        long start = System.currentTimeMillis();
        DirectorySnapshot deadLettersBefore = DirectorySnapshot.of(deadLetterDirectory());
        // A repeated run writes the same rows again (upserts) and its own dead-letter files: the
        // failed run's are removed so that each bad record is listed once.
        JobExecutionResult finished = HybridShuffleRace.retry(() -> runJob(totalBytes, start),
                deadLettersBefore::removeAddedSince, out);
        RunSummary.summary(out, "Backfill", Duration.ofMillis(System.currentTimeMillis() - start),
                finished.getAllAccumulatorResults(), deadLetterDirectory().toString());
    }

    /**
     * One run of the backfill job on a new in-process Flink, with a progress line every two
     * seconds. ({@code BackfillRetryTest} overrides it to fail a run as Flink's race does.)
     */
    JobExecutionResult runJob(long totalBytes, long start) throws Exception {
        progressRun = "backfill-" + System.nanoTime();
        HistoryProgress.Counters read = HistoryProgress.start(progressRun);
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(inProcessConfiguration());
            prepare(env);
            JobClient client = env.executeAsync(JOB_NAME);
            var result = client.getJobExecutionResult();
            while (!result.isDone()) {
                try {
                    result.get(RunSummary.PROGRESS_EVERY_MS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    Map<String, Object> acc = client.getAccumulators().get(10, TimeUnit.SECONDS);
                    double done = totalBytes > 0 ? Math.min(1.0, read.bytes().get() / (double) totalBytes) : -1;
                    // Files read in this process count their records at once; a Kafka range only
                    // through the accumulators, which arrive with the task heartbeats.
                    long records = Math.max(read.records().get(), RunSummary.get(acc, IngestRouter.RECORDS_READ));
                    RunSummary.progress(out, RunSummary.Stage.BACKFILL, Duration.ofMillis(System.currentTimeMillis() - start), records, done);
                }
            }
            return result.get();
        } finally {
            HistoryProgress.finish(progressRun);
        }
    }

    /** The inputs resolved, for tests. */
    List<Path> files() {
        return HistoryFiles.resolve(inputs);
    }
}
