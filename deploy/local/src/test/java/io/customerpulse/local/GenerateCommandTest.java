package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/** {@code ./pulse generate} leaves a whole history or none: never a half-written file. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void aCompleteRunLeavesTheWholeFileAloneInItsDirectory() throws Exception {
        Path history = dir.resolve("history.jsonl.gz");
        GenerateCommand generate = new GenerateCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        generate.console = new PrintStream(printed, true, StandardCharsets.UTF_8);
        assertThat(new CommandLine(generate).execute("--out", history.toString(), "--days", "5", "--users-per-day", "20")).isZero();

        long lines;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(history)), StandardCharsets.UTF_8))) {
            lines = reader.lines().count();
        }
        assertThat(lines).isPositive();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .startsWith(String.format("Wrote %,d records to %s in ", lines, history));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(history);
        }
    }

    @Test
    void aRunStoppedWithCtrlCLeavesNoPartialFileAndTheOldOneAsItWas() throws Exception {
        Path history = Files.writeString(dir.resolve("history.jsonl"), "the history of an earlier run\n");
        Path stdout = dir.resolve("stdout.txt");
        // A launcher process, stopped as Ctrl-C stops it (SIGINT), once it has said how far it got.
        Process launcher = new ProcessBuilder(LocalCluster.java(),
                "-cp", System.getProperty("java.class.path"), "-Dpulse.logs=" + dir.resolve("logs"),
                PulseCli.class.getName(), "generate", "--out", history.toString(), "--days", "3000", "--users-per-day", "100")
                .redirectOutput(stdout.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        // Waits for a whole line: the file may hold a line whose end is not written yet.
        java.util.regex.Pattern progressLine = java.util.regex.Pattern.compile(
                "\\[0:0\\d\\] [\\d,]+ records written \\| [\\d,]+ records/s \\|\\s+\\d+\\.\\d% of the days( \\| about [\\d:]+ left)?\\R");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!progressLine.matcher(Files.readString(stdout)).find() && Instant.now().isBefore(deadline) && launcher.isAlive()) {
            Thread.sleep(100);
        }
        String progress = Files.readString(stdout);
        assertThat(progress).as("a progress line, every two seconds").containsPattern(progressLine);
        assertThat(dir.resolve(".partial-history.jsonl")).as("the history being written").isNotEmptyFile();

        new ProcessBuilder("kill", "-INT", Long.toString(launcher.pid())).start().waitFor();
        assertThat(launcher.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(history).hasContent("the history of an earlier run");
        assertThat(dir.resolve(".partial-history.jsonl")).doesNotExist();
    }
}
