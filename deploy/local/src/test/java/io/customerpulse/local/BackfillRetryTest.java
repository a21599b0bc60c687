package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.sink.JdbcTarget;

import org.apache.flink.api.common.JobExecutionResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A backfill whose first run Flink's hybrid-shuffle race fails (FLINK-38783) is run again by
 * ./pulse backfill: the tables are those of one run, and each bad line is in the dead-letter
 * directory once, beside what the directory held before.
 */
class BackfillRetryTest {
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.postgresOnly();

    private static final int USERS = 5;

    @Test
    void aRunTheRaceFailedAfterWritingEverythingIsRunAgainAndCountsOnce() throws Exception {
        Path history = STACK.directory("retry").resolve("history.jsonl");
        List<String> lines = new ArrayList<>();
        for (int u = 1; u <= USERS; u++) {
            lines.add(String.format("{\"type\":\"click\",\"event_id\":\"c-%d\",\"user_id\":\"u-%d\",\"event_time\":\"2025-03-01T0%d:00:00Z\","
                    + "\"channel\":\"web\",\"page\":\"/home\"}", u, u, u));
            lines.add(String.format("{\"type\":\"purchase\",\"event_id\":\"p-%d\",\"user_id\":\"u-%d\",\"event_time\":\"2025-03-01T0%d:30:00Z\","
                    + "\"channel\":\"web\",\"order_id\":\"o-%d\",\"amount\":\"10.00\",\"currency\":\"CNY\"}", u, u, u, u));
        }
        // Three bad lines: two that are no event, one event the jobs refuse (a negative amount).
        lines.add("not json");
        lines.add("{\"type\":\"purchase\",\"event_id\":");
        lines.add("{\"type\":\"purchase\",\"event_id\":\"p-x\",\"user_id\":\"u-x\",\"event_time\":\"2025-03-01T09:00:00Z\","
                + "\"channel\":\"web\",\"order_id\":\"o-x\",\"amount\":\"-3.00\",\"currency\":\"CNY\"}");
        Files.write(history, lines);

        Path deadLetters = STACK.directory("retry-dead-letters");
        Path usersFile = Files.writeString(deadLetters.resolve("README.txt"), "kept by the user");

        ConcurrentModificationException race = HybridShuffleRaceTest.provokeTheRace();
        AtomicInteger runs = new AtomicInteger();
        BackfillCommand backfill = new BackfillCommand() {
            @Override
            JobExecutionResult runJob(long totalBytes, long start) throws Exception {
                JobExecutionResult finished = super.runJob(totalBytes, start);
                if (runs.incrementAndGet() == 1) {
                    // The worst case: the race reported after the first run had written every row and dead letter.
                    throw HybridShuffleRaceTest.asTheClientSeesIt(race);
                }
                return finished;
            }
        };
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        backfill.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        LocalPostgres pg = STACK.postgres();
        String url = pg.createDatabase("retry");
        new CommandLine(backfill).parseArgs("--input", history.toString(), "--only", "retention", "--jdbc-url", url,
                "--jdbc-user", LocalPostgres.APP_USER, "--dead-letters", deadLetters.toString(), "--parallelism", "1");
        backfill.jdbc.password = pg.appTarget().password();

        assertThat(backfill.call()).isZero();

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(runs).hasValue(2);
        assertThat(output).contains("FLINK-38783").contains("Running it again (run 2 of at most 3)");
        assertThat(output).containsPattern("dead-lettered\\s+3\\b");

        List<String> deadLetterLines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(deadLetters)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(usersFile)).toList()) {
                assertThat(f.getFileName().toString()).as("no file of the failed run left in progress").doesNotStartWith(".");
                deadLetterLines.addAll(Files.readAllLines(f));
            }
        }
        assertThat(usersFile).hasContent("kept by the user");
        assertThat(deadLetterLines).as("each bad line once").hasSize(3);
        assertThat(deadLetterLines).filteredOn(l -> l.contains("not json")).hasSize(1);
        assertThat(deadLetterLines).filteredOn(l -> l.contains("p-x")).hasSize(1);

        JdbcTarget db = new JdbcTarget(url, LocalPostgres.APP_USER, pg.appTarget().password());
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(clicks), sum(purchases), sum(revenue) FROM user_retention")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).as("users").isEqualTo(USERS);
            assertThat(rs.getLong(2)).as("clicks").isEqualTo(USERS);
            assertThat(rs.getLong(3)).as("purchases").isEqualTo(USERS);
            assertThat(rs.getBigDecimal(4)).as("revenue").isEqualByComparingTo(new BigDecimal("50.00"));
        }
    }
}
