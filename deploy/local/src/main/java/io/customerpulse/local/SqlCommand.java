package io.customerpulse.local;

import org.apache.flink.util.FileUtils;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code ./pulse sql}: Flink's own SQL client ({@code sql-client.sh}'s class) with the event
 * topics declared as tables, run as a JVM of its own on the classpath of a Flink distribution
 * (deploy/cluster's lib/ and deploy/sql-client's opt/) with the shaded job jar added by {@code -j},
 * exactly as an analyst runs it on a distribution: the job jar brings the topics' format and the
 * Kafka connector, nothing else of ours is on its classpath.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Opens Flink's SQL client with the event topics as the tables clicks, purchases and shares.",
            "The tables are those of sql/flink/tables.sql. They read from the earliest offset and keep tailing the "
                + "topics, or with --bounded end at the offsets present when a query starts. Queries run in the "
                + "client's own Flink, or with --on-cluster on the local cluster's.",
            "Without --bootstrap-servers the tables read the local cluster's Kafka (./pulse cluster start). At the "
                + "prompt, HELP; lists the client's commands and QUIT; leaves. The client's log goes to "
                + ".pulse/logs/sql-client.log."})
public final class SqlCommand implements Callable<Integer> {
    private static final String SQL_CLIENT_MAIN = "org.apache.flink.table.client.SqlClient";
    /** What Flink's SQL client prints when a statement fails. */
    private static final String STATEMENT_FAILED = "[ERROR] Could not execute SQL statement.";

    @Option(names = {"-f", "--file"}, paramLabel = "<file>",
            description = "Run the statements of this file and exit instead of opening the prompt (the client's -f: "
                    + "queries need SET 'sql-client.execution.result-mode' = 'tableau';). A statement that fails ends "
                    + "the run with exit code 1.")
    Path file;

    @Option(names = "--bounded",
            description = "Each table ends at the offsets present when a query starts, so that queries end (a report) "
                    + "instead of updating as events arrive.")
    boolean bounded;

    @Option(names = "--on-cluster",
            description = "Run the queries as jobs on the local cluster's Flink (./pulse cluster start) instead of "
                    + "in the client's own process.")
    boolean onCluster;

    @Mixin LocalKafkaOptions kafka = new LocalKafkaOptions();

    /** Where what the client prints for a --file goes (at the prompt it has the terminal itself). */
    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException("--file " + file + " cannot be read");
        }
        LocalCluster cluster = LocalCluster.current();
        String bootstrap = kafka.bootstrapServers(cluster);
        Properties clientProperties = kafka.clientProperties();
        KafkaPreflight.check(bootstrap, clientProperties, kafka.topics().eventTopics(), KafkaPreflight.TIMEOUT);
        if (onCluster && !FlinkRest.answers(cluster.restAddress())) {
            throw new IllegalStateException("The local cluster's Flink does not answer at " + cluster.restAddress()
                    + " (start it with ./pulse cluster start)");
        }

        // A directory of this session's own, as sessions may run side by side with other options.
        // Its tables carry the Kafka client properties (secrets among them): readable by this user
        // only, and removed when the client exits.
        Path sessions = PulseHome.runDirectory().resolve("sql");
        Files.createDirectories(sessions);
        Path session = Files.createTempDirectory(sessions, "session-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Files.writeString(session.resolve("config.yaml"), flinkConfiguration(cluster));
            Path tables = session.resolve("tables.sql");
            Files.writeString(tables, String.join(";\n\n",
                    FlinkSqlScript.topicTables(bootstrap, kafka.topics(), bounded, clientProperties)) + ";\n");
            ProcessBuilder client = new ProcessBuilder(command(cluster, tables));
            client.environment().put("FLINK_CONF_DIR", session.toString());
            if (file == null) {
                return runInForeground(client.inheritIO(), null);
            }
            client.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).redirectErrorStream(true);
            return runInForeground(client, this::copyOutputOfFile);
        } finally {
            FileUtils.deleteDirectory(session.toFile());
        }
    }

    /** Where the client runs its queries: in its own process, or on the local cluster's JobManager. */
    private String flinkConfiguration(LocalCluster cluster) {
        if (!onCluster) {
            return "execution.target: local\n";
        }
        return "execution.target: remote\nrest.address: localhost\nrest.port: " + cluster.ports().flinkRest() + "\n";
    }

    private List<String> command(LocalCluster cluster, Path tables) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LocalCluster.java());
        command.addAll(cluster.javaModuleOptions());
        Path logs = Path.of(System.getProperty("pulse.logs", PulseHome.runDirectory().resolve("logs").toString()));
        command.addAll(cluster.loggingOptions(logs.resolve("sql-client.log")));
        command.addAll(List.of("-cp", cluster.flinkClasspath() + ":" + cluster.sqlClientClasspath(), SQL_CLIENT_MAIN,
                "embedded", "-j", FlinkClient.jobJar(PulseHome.repository()).toString(), "-i", tables.toString()));
        if (file != null) {
            // No terminal to drive: say so, rather than have jline warn that it found none.
            command.add(command.indexOf(SQL_CLIENT_MAIN), "-Dorg.jline.terminal.dumb=true");
            command.addAll(List.of("-f", file.toAbsolutePath().toString()));
        }
        return command;
    }

    /**
     * Copies what the client prints for a --file and returns the launcher's exit code. Flink's
     * client stops at the first statement that fails but still exits with 0: a report run by a
     * scheduler would pass unnoticed, so a failed statement makes it 1 here.
     */
    private int copyOutputOfFile(Process client) throws IOException {
        boolean failed = false;
        try (BufferedReader printed = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = printed.readLine()) != null) {
                out.println(line);
                failed |= line.contains(STATEMENT_FAILED);
            }
        }
        out.flush();
        if (failed) {
            err.println("pulse sql: a statement of " + file + " failed (the [ERROR] above); the statements after it did not run");
            return 1;
        }
        return 0;
    }

    /**
     * Runs the client and waits for it; {@code output}, when given, reads what it prints and says
     * the exit code if the client's own is 0. Ctrl-C at the terminal reaches both processes: the
     * client cancels its running query with it, and the launcher ignores it meanwhile rather than
     * exit and leave the client behind at the terminal.
     */
    private static int runInForeground(ProcessBuilder client, ClientOutput output) throws IOException, InterruptedException {
        Process process = client.start();
        Signal interrupt = new Signal("INT");
        SignalHandler before = Signal.handle(interrupt, ignored -> { });
        try {
            int read = output == null ? 0 : output.read(process);
            int exitCode = process.waitFor();
            return exitCode != 0 ? exitCode : read;
        } finally {
            Signal.handle(interrupt, before);
            if (process.isAlive()) { // the launcher was interrupted: leave no client behind
                process.destroyForcibly();
            }
        }
    }

    private interface ClientOutput {
        int read(Process client) throws IOException;
    }
}
