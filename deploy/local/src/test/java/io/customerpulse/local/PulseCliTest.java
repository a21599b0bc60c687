package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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
    void theBenchPassesWhatFollowsTheDoubleDashToTheJobs() {
        CommandLine line = PulseCli.commandLine();
        line.parseArgs("bench", "--only", "retention_live", "--", "--max-split-drift", "12h");
        BenchCommand bench = line.getSubcommands().get("bench").getCommand();
        assertThat(bench.jobOptions).containsExactly("--max-split-drift", "12h");
        assertThat(bench.only).containsExactly(BenchCommand.Group.retention_live);
    }
}
