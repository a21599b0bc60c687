package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.retention.RetentionStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * `./pulse demo` as a user meets it: within two minutes every status, transitions and cohort
 * curves are in PostgreSQL, the summary shows them, and the data is still there after it stops.
 */
class DemoCommandTest {
    @TempDir
    Path home;

    @Test
    void everyStatusAppearsWithinTwoMinutesAndTheDataStays() throws Exception {
        String previousHome = System.getProperty("pulse.home");
        System.setProperty("pulse.home", home.toString());
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new PulseCli()).execute("demo", "--duration", "100s", "--summary-every", "10s");
        } finally {
            System.setOut(stdout);
            if (previousHome == null) {
                System.clearProperty("pulse.home");
            } else {
                System.setProperty("pulse.home", previousHome);
            }
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).isZero();
        assertThat(output).contains("JDBC URL", "psql postgresql://pulse:", "psql postgresql://marketer:", "ev/s",
                "Flink REST API", "top influencers:");

        try (LocalPostgres postgres = LocalPostgres.start(home.resolve(".pulse/postgres"), 0);
             Connection c = postgres.readerTarget().connect(); Statement s = c.createStatement()) {
            Set<String> statuses = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT status FROM user_retention")) {
                while (rs.next()) {
                    statuses.add(rs.getString(1));
                }
            }
            Set<String> all = new HashSet<>();
            for (RetentionStatus status : RetentionStatus.values()) {
                all.add(status.word());
            }
            assertThat(statuses).containsExactlyInAnyOrderElementsOf(all);
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT to_status) FROM retention_transitions")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(6);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM cohort_retention_pct WHERE day_n >= 30 AND retention_pct > 0")) {
                rs.next();
                assertThat(rs.getLong(1)).isPositive();
            }
            // Word of mouth: opinion leaders with deep cascades, and every level of the fan ladder.
            try (ResultSet rs = s.executeQuery("SELECT max(cascade_depth), count(*) FROM top_influencers")) {
                rs.next();
                assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(3);
                assertThat(rs.getLong(2)).isGreaterThan(10);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT level) FROM fan_ladder")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(5);
            }
            try (ResultSet rs = s.executeQuery("SELECT sum(acquisitions), sum(sharers) FROM wom_daily")) {
                rs.next();
                assertThat(rs.getLong(1)).isPositive();
                assertThat(rs.getLong(2)).isPositive();
            }
        }
    }
}
