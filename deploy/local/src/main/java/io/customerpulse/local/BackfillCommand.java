package io.customerpulse.local;

import io.customerpulse.backfill.BackfillJob;
import io.customerpulse.backfill.HistoryFiles;
import io.customerpulse.history.HistoryProgress;
import io.customerpulse.ingest.IngestRouter;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
            "Without --jdbc-url it writes to the local cluster's PostgreSQL while `./pulse cluster start` runs it, else to the",
            "local embedded PostgreSQL (.pulse/postgres). The password comes from PULSE_JDBC_PASSWORD."})
public final class BackfillCommand extends BackfillJob {
    @Spec CommandSpec spec;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        boolean embedded = !spec.commandLine().getParseResult().hasMatchedOption("--jdbc-url");
        if (job.parallelism == null) {
            job.parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
        }
        long totalBytes = fromKafka ? 0 : HistoryFiles.totalBytes(HistoryFiles.resolve(inputs));
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
            progressRun = "backfill-" + System.nanoTime();
            HistoryProgress.Counters read = HistoryProgress.start(progressRun);
            try {
                runWithProgress(totalBytes, read);
            } finally {
                HistoryProgress.finish(progressRun);
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
        return 0;
    }

    private void runWithProgress(long totalBytes, HistoryProgress.Counters read) throws Exception {
        long start = System.currentTimeMillis();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(inProcessConfiguration());
        prepare(env);
        JobClient client = env.executeAsync(JOB_NAME);
        var result = client.getJobExecutionResult();
        while (!result.isDone()) {
            try {
                result.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                Map<String, Object> acc = client.getAccumulators().get(10, TimeUnit.SECONDS);
                double done = totalBytes > 0 ? Math.min(1.0, read.bytes().get() / (double) totalBytes) : -1;
                // Files read in this process count their records at once; a Kafka range only
                // through the accumulators, which arrive with the task heartbeats.
                long records = Math.max(read.records().get(), RunSummary.get(acc, IngestRouter.RECORDS_READ));
                RunSummary.progress(out, Duration.ofMillis(System.currentTimeMillis() - start), records, done);
            }
        }
        JobExecutionResult finished = result.get();
        RunSummary.summary(out, "Backfill", Duration.ofMillis(System.currentTimeMillis() - start),
                finished.getAllAccumulatorResults(), deadLetterDirectory().toString());
    }

    /** The inputs resolved, for tests. */
    List<Path> files() {
        return HistoryFiles.resolve(inputs);
    }
}
