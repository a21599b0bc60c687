package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A bench stopped part-way, as an operator stops a {@code --full} run of hours: its local Flink's
 * working directory (the jobs' RocksDB state) and its PostgreSQL server go with it. Before
 * {@link CloseOnStop}, a bench stopped with SIGTERM at 56% of the 10^7-user point left 3.7 GB in
 * the system's temporary directory and its PostgreSQL server running.
 */
class BenchStopTest {

    @TempDir
    Path run;

    @Test
    void aBenchStoppedWithCtrlCLeavesNoFlinkStateAndNoPostgresRunning() throws Exception {
        Path stdout = run.resolve("stdout.txt");
        Path flinkDirectory = run.resolve("bench/flink");
        Path postmasterPid = run.resolve("bench/postgres/data/postmaster.pid");
        // A launcher process as ./pulse starts it (Flink needs jvm.options' flags on Java 17).
        long postgres = 0; // its server's pid, once known
        Process bench = new ProcessBuilder(LocalCluster.java(),
                "@" + Path.of("jvm.options").toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
                "-Dpulse.run=" + run, "-Dpulse.logs=" + run.resolve("logs"),
                PulseCli.class.getName(), "bench", "--only", "retention_live", "--events", "200000", "--users", "20000",
                "--out", run.resolve("bench.json").toString())
                .redirectOutput(stdout.toFile())
                .redirectError(run.resolve("stderr.txt").toFile())
                .start();
        try {
            // Stopped while it measures: once a retention_live run has been reported.
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (!Files.readString(stdout).contains("    run 1:") && Instant.now().isBefore(deadline) && bench.isAlive()) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(stdout)).as("the bench's output so far").contains("    run 1:");
            assertThat(miniclusterDirectories(flinkDirectory)).as("the local Flink's working directory, while it runs").hasSize(1);
            postgres = Long.parseLong(Files.readAllLines(postmasterPid).get(0).strip());
            assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive)).as("its PostgreSQL server").contains(true);

            new ProcessBuilder("kill", "-INT", Long.toString(bench.pid())).start().waitFor();
            assertThat(bench.waitFor(2, TimeUnit.MINUTES)).as("the bench ends").isTrue();

            assertThat(miniclusterDirectories(flinkDirectory)).as("Flink's working directory after the stop").isEmpty();
            Instant gone = Instant.now().plus(Duration.ofSeconds(30));
            while (ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false) && Instant.now().isBefore(gone)) {
                Thread.sleep(100);
            }
            assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false))
                    .as("PostgreSQL server %d after the stop", postgres).isFalse();
            assertThat(postmasterPid).doesNotExist();
        } finally {
            bench.destroyForcibly();
            // A failed run leaves no server behind it either.
            ProcessHandle.of(postgres).ifPresent(ProcessHandle::destroy);
        }
    }

    private static List<Path> miniclusterDirectories(Path base) throws Exception {
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(base)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("minicluster_")).toList();
        }
    }
}
