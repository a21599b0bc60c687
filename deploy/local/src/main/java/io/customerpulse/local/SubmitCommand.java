package io.customerpulse.local;

import io.customerpulse.cli.PulseJob;
import io.customerpulse.sink.JdbcTarget;

import org.apache.flink.core.fs.FileSystem;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./pulse submit retention|reach}: the shaded job jar to the local cluster through Flink's
 * own client, with the cluster's Kafka and PostgreSQL as defaults.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Submits a job (retention or reach) to the local cluster with Flink's client (flink run), detached.",
            "Every job option can follow (the same flags as ./pulse backfill: --bootstrap-servers, --jdbc-url, --jdbc-user, "
                + "--parallelism, ...; see ./pulse submit <job> --help-job). Defaults: the local cluster's Kafka and PostgreSQL.",
            "The database password comes from PULSE_JDBC_PASSWORD (or the file PULSE_JDBC_PASSWORD_FILE names), and is the "
                + "local cluster's own when neither is set and --jdbc-url is not given; it never appears on a command line."})
public final class SubmitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<job>", description = "retention or reach.")
    ClusterJob job;

    @Option(names = "--from-savepoint", paramLabel = "<path|last>",
            description = "Resume from this savepoint or retained checkpoint (a path or URI); last: the one ./pulse cancel --savepoint wrote last for this job.")
    String fromSavepoint;

    @Option(names = "--allow-non-restored-state",
            description = "Resume even if the savepoint holds state of an operator the job no longer has.")
    boolean allowNonRestoredState;

    @Option(names = "--jar", paramLabel = "<job jar>",
            description = "The job jar to submit (a release, or a changed build). Default: the one the build wrote, jobs/target/pulse-jobs-*-job.jar.")
    Path jar;

    @Option(names = "--help-job", description = "Show the job's own options and exit.")
    boolean helpJob;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "<job option>", description = "Options passed to the job.")
    List<String> jobArgs = new ArrayList<>();

    PrintStream out = System.out;

    /** The job id of the last successful submission. */
    String submittedJobId;

    @Override
    public Integer call() throws Exception {
        PulseJob options = job.newCommand();
        CommandLine jobLine = new CommandLine(options);
        if (helpJob) {
            jobLine.usage(out);
            return 0;
        }
        // Check the arguments here, where a mistake is a message, not a failed deployment.
        CommandLine.ParseResult parsed;
        try {
            parsed = jobLine.parseArgs(jobArgs.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + " (./pulse submit " + job + " --help-job lists the job's options)", e);
        }
        LocalCluster cluster = LocalCluster.current();
        if (!cluster.jobManager().running().isPresent()) {
            throw new IllegalStateException("The local cluster is not running: start it with ./pulse cluster start");
        }
        var active = FlinkRest.activeJob(cluster.restAddress(), job.jobName);
        if (active.isPresent()) {
            throw new IllegalStateException(job.jobName + " already runs as job " + active.get().id()
                    + " (" + active.get().state() + "); stop it first: ./pulse cancel " + job + " --savepoint");
        }

        List<String> args = new ArrayList<>(jobArgs);
        Map<String, String> environment = new HashMap<>();
        String bootstrap = options.kafka.bootstrapServers;
        if (!parsed.hasMatchedOption("--bootstrap-servers")) {
            bootstrap = cluster.runningKafka();
            args.addAll(List.of("--bootstrap-servers", bootstrap));
        }
        // the job would start, fail to reach its topics and restart every minute, reported as submitted
        List<String> topics = new ArrayList<>(options.kafka.topics().eventTopics());
        topics.add(options.kafka.topics().deadLetters());
        KafkaPreflight.check(bootstrap, options.kafka.clientProperties(), topics, KafkaPreflight.TIMEOUT);
        if (!parsed.hasMatchedOption("--jdbc-url")) {
            JdbcTarget local = cluster.appTarget();
            args.addAll(List.of("--jdbc-url", local.url()));
            if (!parsed.hasMatchedOption("--jdbc-user")) {
                args.addAll(List.of("--jdbc-user", local.user()));
                if (JdbcTarget.passwordFromEnvironment() == null) {
                    environment.put(JdbcTarget.PASSWORD_ENV, local.password());
                }
            }
        }

        List<String> flinkArgs = new ArrayList<>(List.of("run", "--detached"));
        if (fromSavepoint != null) {
            flinkArgs.addAll(List.of("--fromSavepoint", resolveSavepoint(cluster)));
            if (allowNonRestoredState) {
                flinkArgs.add("--allowNonRestoredState");
            }
        }
        Path jobJar = jar != null ? jar.toAbsolutePath() : FlinkClient.jobJar(PulseHome.repository());
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalStateException("No job jar at " + jobJar);
        }
        flinkArgs.addAll(List.of("--class", job.mainClass, jobJar.toString()));
        flinkArgs.addAll(args);
        FlinkClient.Result result = new FlinkClient(cluster, out).run(flinkArgs, environment);
        if (result.exitCode() != 0 || result.jobId() == null) {
            out.println("Submission failed; the client's log is " + cluster.logDirectory().resolve("flink-client.log"));
            return 1;
        }
        submittedJobId = result.jobId();
        out.println("Submitted " + job.jobName + " as job " + result.jobId() + "; watch it at " + cluster.restAddress()
                + "/#/job/running/" + result.jobId() + "/overview");
        return 0;
    }

    /**
     * Refuses a savepoint on the local file system that is not there: Flink's client failed on it
     * with 75 lines and left a failed job behind. Other file systems (s3://, hdfs://) are Flink's to read.
     */
    static void requireLocalSavepoint(String location) throws java.io.IOException {
        // read as Flink's client reads it: a path without a scheme is a local one
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(location);
        String scheme = path.toUri().getScheme();
        if ((scheme == null || scheme.equals("file")) && !FileSystem.getLocalFileSystem().exists(path)) {
            throw new IllegalArgumentException("No savepoint or checkpoint at " + location);
        }
    }

    private String resolveSavepoint(LocalCluster cluster) throws java.io.IOException {
        if (!fromSavepoint.equals("last")) {
            requireLocalSavepoint(fromSavepoint);
            return fromSavepoint;
        }
        Path last = CancelCommand.lastSavepointFile(cluster, job);
        if (!Files.exists(last)) {
            throw new IllegalStateException("No savepoint recorded for " + job + " yet (./pulse cancel " + job + " --savepoint writes one)");
        }
        return Files.readString(last).strip();
    }
}
