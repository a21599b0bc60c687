package io.customerpulse.local;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./pulse cancel retention|reach [--savepoint]}: stops a job on the local cluster, with a savepoint if asked. */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Stops a job running on the local cluster.",
            "With --savepoint it stops gracefully with a savepoint (flink stop) and prints its path; resume with "
                + "./pulse submit <job> --from-savepoint <path> (or last)."})
public final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<job>", description = "retention or reach.")
    ClusterJob job;

    @Option(names = "--savepoint", description = "Stop with a savepoint (canonical format, so a changed build or parallelism can resume from it).")
    boolean savepoint;

    @Option(names = "--savepoint-dir", paramLabel = "<uri>",
            description = "Where the savepoint goes. Default: the cluster's execution.checkpointing.savepoint-dir.")
    String savepointDir;

    PrintStream out = System.out;

    /** The savepoint written by the last successful call (null without --savepoint). */
    String savepointPath;

    @Override
    public Integer call() throws Exception {
        LocalCluster cluster = LocalCluster.current();
        if (!cluster.jobManager().running().isPresent()) {
            throw new IllegalStateException("The local cluster is not running");
        }
        var active = FlinkRest.activeJob(cluster.restAddress(), job.jobName);
        if (active.isEmpty()) {
            out.println(job.jobName + " is not running");
            return 1;
        }
        String jobId = active.get().id();
        FlinkClient client = new FlinkClient(cluster, out);
        if (!savepoint) {
            return client.run(List.of("cancel", jobId), Map.of()).exitCode();
        }
        List<String> args = savepointDir == null
                ? List.of("stop", "--type", "canonical", jobId)
                : List.of("stop", "--type", "canonical", "--savepointPath", savepointDir, jobId);
        FlinkClient.Result result = client.run(args, Map.of());
        if (result.exitCode() != 0 || result.savepointPath() == null) {
            out.println("Stopping with a savepoint failed; the job keeps running. Client log: "
                    + cluster.logDirectory().resolve("flink-client.log"));
            return 1;
        }
        savepointPath = result.savepointPath();
        Path last = lastSavepointFile(cluster, job);
        Files.createDirectories(last.getParent());
        Files.writeString(last, savepointPath + "\n");
        out.println("Resume with: ./pulse submit " + job + " --from-savepoint " + savepointPath);
        return 0;
    }

    static Path lastSavepointFile(LocalCluster cluster, ClusterJob job) {
        return cluster.directory().resolve("savepoints").resolve(job + ".last");
    }

}
