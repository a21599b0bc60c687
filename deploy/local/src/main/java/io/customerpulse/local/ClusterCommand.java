package io.customerpulse.local;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** ./pulse cluster start|status|stop: the local cluster of real processes. */
@Command(name = "cluster", mixinStandardHelpOptions = true, version = "Customer Pulse 0.1.0",
        description = {
            "Runs a local cluster of separate background processes: a Kafka broker (KRaft), PostgreSQL, "
                + "a Flink JobManager and TaskManagers.",
            "The file deploy/local/config.yaml configures them; each has its log and pid file under .pulse/cluster. "
                + "Data (topics, tables, checkpoints, savepoints) is kept between runs."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Status.class, ClusterCommand.Stop.class})
public final class ClusterCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Without a subcommand there is nothing to do: a usage error, so that a script's mistake does not pass as done. */
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing the subcommand: start, status or stop");
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Starts whatever is not running and prints the Kafka bootstrap address, the JDBC URL and "
                    + "the Flink web address.",
                "Safe to repeat: a TaskManager that died is started again."})
    static final class Start implements Callable<Integer> {
        @Option(names = "--taskmanagers", paramLabel = "<n>",
                description = "How many TaskManagers (4 slots each) the cluster runs; remembered for later starts. Default: 1, or the last value given.")
        Integer taskManagers;

        @Override
        public Integer call() throws Exception {
            if (taskManagers != null && taskManagers < 1) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--taskmanagers must be at least 1");
            }
            LocalCluster.current().start(taskManagers, System.out);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows which processes run, the addresses and the jobs.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            LocalCluster cluster = LocalCluster.current();
            cluster.status(System.out);
            return cluster.isRunning() ? 0 : 3;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stops every process: TaskManagers, JobManager, Kafka, then PostgreSQL.",
                "Running jobs stop with them and resume from their latest checkpoint only if resubmitted with "
                    + "--from-savepoint <checkpoint>; use ./pulse cancel <job> --savepoint first to stop a job cleanly."})
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() {
            LocalCluster.current().stop(System.out);
            return 0;
        }
    }
}
