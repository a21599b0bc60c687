package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.backfill.BackfillJob;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How the launcher answers an operator's mistakes: one clear line and exit code 2, never a stack trace. */
class PulseCliTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String err) {}

    private static Run run(String... args) {
        CommandLine line = PulseCli.commandLine();
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err, true));
        line.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(line.execute(args), err.toString());
    }

    @Test
    void everyCommandIsSummedUpInTheCommandListByAWholeSentence() {
        // `pulse --help` (and `pulse cluster --help`) lists each command with the first line of its
        // description only: that line must be a sentence of its own, not the start of one.
        Map<String, String> summaries = new TreeMap<>();
        collectSummaries(PulseCli.commandLine(), summaries);
        assertThat(summaries).containsKeys("pulse backfill", "pulse cluster", "pulse cluster start", "pulse demo");
        assertThat(summaries).allSatisfy((command, summary) -> assertThat(summary).as(command).endsWith("."));
    }

    private static void collectSummaries(CommandLine command, Map<String, String> summaries) {
        for (CommandLine sub : command.getSubcommands().values()) {
            // As picocli lists a command: the first line of its header if it has one, else of its description.
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
            summaries.put(sub.getCommandSpec().qualifiedName(), lines.length == 0 ? "" : lines[0]);
            collectSummaries(sub, summaries);
        }
    }

    @Test
    void eachCommandOffersTheKafkaOptionsItUsesWithTheDefaultItApplies() {
        Map<String, CommandLine> commands = PulseCli.commandLine().getSubcommands();
        for (String command : List.of("replay", "sql")) {
            // Without --bootstrap-servers these use the local cluster's broker, and they write no dead-letter topic.
            String help = helpOf(commands.get(command));
            assertThat(help).as(command).contains("--bootstrap-servers", "Default: the local cluster's broker", "--clicks-topic",
                    "--kafka-properties").doesNotContain("localhost:9092", "--dead-letter-topic");
        }
        // A backfill writes its dead letters to files; with --from-kafka it reads the local cluster's broker, as it
        // writes to the local cluster's PostgreSQL, while that runs.
        assertThat(helpOf(commands.get("backfill"))).contains("--bootstrap-servers",
                "./pulse backfill: the local cluster's broker while ./pulse cluster start runs it, else localhost:9092")
                .doesNotContain("--dead-letter-topic");
        for (CommandLine job : List.of(new CommandLine(new io.customerpulse.retention.RetentionJob()),
                new CommandLine(new io.customerpulse.reach.ReachJob()))) {
            assertThat(helpOf(job)).as(job.getCommandName())
                    .contains("--bootstrap-servers", "Default: localhost:9092", "--dead-letter-topic", "Default: pulse-dead-letters");
        }
    }

    /** A command's --help, its lines joined where picocli wrapped them. */
    private static String helpOf(CommandLine command) {
        return command.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    }

    @Test
    void aMistakeOnTheCommandLineIsSaidWithWhereHelpIsNotWithTheWholeHelp() {
        Run run = run("backfill", "--as-off", "2025-01-01T00:00:00Z");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly(
                "Unknown options: '--as-off', '2025-01-01T00:00:00Z'",
                "Possible solutions: --as-of",
                "Try 'pulse backfill --help' for more information.");
    }

    @Test
    void aFailureWhileRunningIsOneLineAndTheLogHasTheRest() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run run = run("fit-model", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/pulse");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(2);
        assertThat(run.err().lines().findFirst()).hasValueSatisfying(line -> assertThat(line)
                .startsWith("pulse fit-model: Connection to 127.0.0.1:" + closedPort + " refused"));
        assertThat(run.err()).contains("The whole error is in ").doesNotContain("\tat ");
    }

    @Test
    void numbersThatWouldRunAwayOrDoNothingAreRefusedBeforeAnythingStarts() {
        String out = dir.resolve("g.jsonl").toString();
        Map<List<String>, String> refusals = Map.of(
                List.of("generate", "--out", out, "--users-per-day", "0"),
                "Invalid value for option '--users-per-day': must be a number above 0, not 0",
                List.of("generate", "--out", out, "--days", "0"), "Invalid value for option '--days': must be at least 1, not 0",
                List.of("demo", "--summary-every", "0s"), "Invalid value for option '--summary-every': '0s' is no time; give more than 0 (e.g. 5s)",
                List.of("demo", "--speed", "0s"), "Invalid value for option '--speed': '0s' is no time; give more than 0 (e.g. 5s)",
                List.of("demo", "--users-per-day", "-1"), "Invalid value for option '--users-per-day': must be a number above 0, not -1",
                List.of("demo", "--postgres-port", "70000"),
                "Invalid value for option '--postgres-port': must be a port from 1 to 65535, or 0 for a free one, not 70000",
                List.of("bench", "--runs", "0"), "Invalid value for option '--runs': must be at least 1, not 0",
                List.of("replay", "--input", out, "--sort-run", "0"), "Invalid value for option '--sort-run': must be at least 1, not 0",
                List.of("bench", "--events", "100", "--users", "1000"),
                "pulse bench: --events 100 is fewer than --users 1000: a workload has at least one event per user");
        refusals.forEach((args, message) -> {
            Run run = run(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(args.toString()).isEqualTo(2);
            assertThat(run.err().lines().findFirst()).as(args.toString()).hasValue(message);
        });
        assertThat(dir.resolve("g.jsonl")).doesNotExist();
    }

    @Test
    void theBenchRefusesAJobOptionNoJobItRunsHasBeforeItStartsAnything() {
        Run mistyped = run("bench", "--only", "retention_live", "--", "--max-waiting-on-hep", "5");
        assertThat(mistyped.exitCode()).isEqualTo(2);
        assertThat(mistyped.err().strip()).startsWith("pulse bench: the option after -- is not one of the retention job's: Unknown option");
        // a reach job's option is no retention job's: refused when the retention job runs, not when only the reach job does
        assertThat(run("bench", "--only", "retention_live", "--", "--max-depth", "5").err()).contains("not one of the retention job's");
        // accepted by the job (the refusal that follows is of the workload's size, checked after the job options)
        Run accepted = run("bench", "--only", "reach_live", "--events", "1", "--users", "2", "--", "--max-depth", "5");
        assertThat(accepted.err().strip()).startsWith("pulse bench: --events 1 is fewer than --users 2");
    }

    @Test
    void whatABackfillSelectsIsCheckedBeforeItsDatabaseStarts() throws Exception {
        Path history = Files.writeString(dir.resolve("history.jsonl"), "");
        Run kafkaBoundsWithFiles = run("backfill", "--input", history.toString(), "--start", "2025-01-01T00:00:00Z");
        assertThat(kafkaBoundsWithFiles.exitCode()).isEqualTo(2);
        assertThat(kafkaBoundsWithFiles.err().strip())
                .isEqualTo("pulse backfill: --start and --end select Kafka records: they go with --from-kafka, not --input");
        Run emptyRange = run("backfill", "--from-kafka", "--start", "2025-02-01T00:00:00Z", "--end", "2025-01-01T00:00:00Z");
        assertThat(emptyRange.err().strip()).isEqualTo(
                "pulse backfill: --start 2025-02-01T00:00:00Z is not before --end 2025-01-01T00:00:00Z: no record lies between");
        Run parallelism = run("backfill", "--input", history.toString(), "--parallelism", "-1");
        assertThat(parallelism.exitCode()).isEqualTo(2);
        assertThat(parallelism.err().lines().findFirst())
                .hasValue("Invalid value for option '--parallelism': must be at least 1, not -1");
    }

    @Test
    void aReplaysSpeedIsRefusedInItsOwnWords() throws Exception {
        Path history = Files.writeString(dir.resolve("history.jsonl"), "");
        for (String speed : List.of("fast", "0", "-2", "Infinity")) {
            Run run = run("replay", "--input", history.toString(), "--speed", speed);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().lines().findFirst())
                    .hasValue("Invalid value for option '--speed': '" + speed + "' is neither max nor a number above 0 (e.g. 3600)");
        }
        CommandLine line = PulseCli.commandLine();
        line.parseArgs("replay", "--input", history.toString(), "--speed", "MAX");
        assertThat(line.getSubcommands().get("replay").<ReplayCommand>getCommand().speed).isInfinite();
        line.parseArgs("replay", "--input", history.toString(), "--speed", "0.5");
        assertThat(line.getSubcommands().get("replay").<ReplayCommand>getCommand().speed).isEqualTo(0.5);
    }

    @Test
    void aJobOptionSubmitCannotTakeIsOneLineThatSaysWhereTheJobsOptionsAre() {
        Run run = run("submit", "retention", "--max-waiting-on-hep", "5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("pulse submit: Unknown option").endsWith(
                "(./pulse submit retention --help-job lists the job's options)");
    }

    @Test
    void aDemoPostgresPortInUseIsSaidBeforeAnythingStarts() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run run = run("demo", "--postgres-port", Integer.toString(taken.getLocalPort()));
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().strip()).isEqualTo(
                    "pulse demo: --postgres-port " + taken.getLocalPort() + " is in use on the loopback address");
        }
    }

    @Test
    void aSavepointOnThisMachineThatIsNotThereIsRefusedBeforeFlinksClientRuns() throws Exception {
        Path savepoint = Files.createDirectories(dir.resolve("savepoint-1"));
        SubmitCommand.requireLocalSavepoint(savepoint.toString());
        SubmitCommand.requireLocalSavepoint(savepoint.toUri().toString());
        SubmitCommand.requireLocalSavepoint("s3://bucket/savepoints/savepoint-1"); // Flink's to read
        for (String missing : new String[] {dir.resolve("nope").toString(), dir.resolve("nope").toUri().toString()}) {
            assertThatThrownBy(() -> SubmitCommand.requireLocalSavepoint(missing))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("No savepoint or checkpoint at " + missing);
        }
    }

    @Test
    void clusterWithoutASubcommandIsAUsageError() {
        Run run = run("cluster");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly("Missing the subcommand: start, status or stop",
                "Try 'pulse cluster --help' for more information.");
    }

    @Test
    void aFailureLeavesOneLineOnTheTerminalOfARealLauncherAndItsStackTraceInTheLog() throws Exception {
        // A launcher process with its own logging (log4j2.properties, not the tests'): what an operator sees.
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path logs = dir.resolve("logs");
        Path err = dir.resolve("stderr.txt");
        Process launcher = new ProcessBuilder(LocalCluster.java(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlog4j2.configurationFile=" + Path.of("target", "classes", "log4j2.properties").toAbsolutePath(),
                "-Dpulse.logs=" + logs,
                PulseCli.class.getName(), "fit-model", "--jdbc-url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/pulse")
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(launcher.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(launcher.exitValue()).isEqualTo(1);
        List<String> terminal = Files.readAllLines(err);
        assertThat(terminal).hasSize(2);
        assertThat(terminal.get(0)).startsWith("pulse fit-model: Connection to 127.0.0.1:" + closedPort + " refused");
        assertThat(terminal.get(1)).isEqualTo("The whole error is in " + logs.resolve("pulse.log") + ".");
        assertThat(Files.readString(logs.resolve("pulse.log"))).contains("pulse fit-model failed").contains("\tat ");
    }

    @Test
    void aMissingInputIsOneLineNotAStackTrace() {
        Run run = run("backfill", "--input", dir.resolve("no-such.jsonl").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("pulse backfill: No such file or directory: " + dir.resolve("no-such.jsonl"));
    }

    @Test
    void aMistypedOptionAfterTheInputsIsUnknownNotAFile() throws Exception {
        Path history = Files.writeString(dir.resolve("history.jsonl"), "");
        Run run = run("backfill", "--input", history.toString(), "--as-off", "2025-01-01T00:00:00Z");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("Unknown option: '--as-off'");
    }

    @Test
    void theLiveClockOptionsAreNotABackfillsToTake() {
        // A backfill refuses nothing as late and has no idle partitions: these would do nothing.
        for (String option : new String[] {"--allowed-lateness", "--idle-timeout", "--wall-clock-heartbeat", "--max-split-drift"}) {
            Run run = run("backfill", option, "1m", "--input", "x.jsonl");
            assertThat(run.exitCode()).as(option).isEqualTo(2);
            assertThat(run.err()).as(option).startsWith("Unknown option");
        }
    }

    @Test
    void tooLittleOrUnreadableSortMemoryIsRefusedBeforeAnythingRuns() {
        Run tooLittle = run("backfill", "--sort-memory", "512k", "--input", "x.jsonl");
        assertThat(tooLittle.exitCode()).isEqualTo(2);
        assertThat(tooLittle.err()).startsWith("--sort-memory must be at least 1m, not 512k");
        Run unreadable = run("backfill", "--sort-memory", "lots", "--input", "x.jsonl");
        assertThat(unreadable.exitCode()).isEqualTo(2);
        assertThat(unreadable.err()).startsWith("--sort-memory: not a size: lots");
    }

    @Test
    void anOutputLocationThatCannotBeWrittenIsOneLineBeforeAnythingRuns() throws Exception {
        Path history = Files.writeString(dir.resolve("history.jsonl"), "");
        Path aFile = Files.writeString(dir.resolve("a-file"), "");
        Path underAFile = aFile.resolve("below");
        String[][] commands = {
            {"backfill", "--input", history.toString(), "--spill-dir", underAFile.toString()},
            {"backfill", "--input", history.toString(), "--dead-letters", underAFile.toString()},
            {"replay", "--input", history.toString(), "--dead-letters", underAFile.resolve("dead.jsonl").toString()},
            {"generate", "--out", underAFile.resolve("history.jsonl").toString()},
            {"bench", "--out", underAFile.resolve("bench.json").toString()},
        };
        for (String[] command : commands) {
            String option = command[command.length - 2];
            Run run = run(command);
            String what = command[0] + " " + option;
            assertThat(run.exitCode()).as(what).isEqualTo(2);
            assertThat(run.err().strip()).as(what).startsWith("pulse " + command[0] + ": " + option + " ")
                    .contains(underAFile.toString()).doesNotContain("\n");
        }
        Run aDirectory = run("generate", "--out", dir.toString());
        assertThat(aDirectory.exitCode()).isEqualTo(2);
        assertThat(aDirectory.err().strip()).isEqualTo("pulse generate: --out " + dir + " is a directory, not a file");
    }

    @Test
    void theSortMemoryIsEverySlotsManagedMemoryAndTheSpillDirectoryFlinksTemporaryOne() {
        CommandLine line = PulseCli.commandLine();
        line.parseArgs("backfill", "--sort-memory", "2g", "--parallelism", "3", "--spill-dir", "spills", "--input", "x.jsonl");
        BackfillCommand backfill = line.getSubcommands().get("backfill").getCommand();
        Configuration conf = backfill.inProcessConfiguration();
        assertThat(conf.get(CoreOptions.TMP_DIRS)).isEqualTo(Path.of("spills").toAbsolutePath().toString());
        int slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
        assertThat(slots).isEqualTo(3 * BackfillJob.IN_PROCESS_SLOTS_PER_INSTANCE);
        assertThat(conf.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.ofMebiBytes(2048L * slots));

        line.parseArgs("backfill", "--input", "x.jsonl");
        backfill = line.getSubcommands().get("backfill").getCommand();
        assertThat(backfill.inProcessConfiguration().contains(CoreOptions.TMP_DIRS)).as("Flink's default spill directory").isFalse();
        assertThat(backfill.inProcessConfiguration().get(TaskManagerOptions.MANAGED_MEMORY_SIZE).getMebiBytes())
                .as("the default, 64m a slot").isEqualTo(64L * backfill.inProcessConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS));
    }

    @Test
    void theBenchPassesWhatFollowsTheDoubleDashToTheJobs() {
        CommandLine line = PulseCli.commandLine();
        line.parseArgs("bench", "--only", "retention_live", "--", "--max-split-drift", "12h");
        BenchCommand bench = line.getSubcommands().get("bench").getCommand();
        assertThat(bench.jobOptions).containsExactly("--max-split-drift", "12h");
        assertThat(bench.only).containsExactly(BenchCommand.Group.retention_live);
    }
}
