package io.customerpulse.local;

import io.customerpulse.retention.RetentionStatus;
import io.customerpulse.sink.JdbcTarget;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's compact live view, read back from PostgreSQL with the read-only marketer account:
 * what a BI tool would see.
 */
final class LiveSummary {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    record Snapshot(Map<RetentionStatus, Long> statusCounts, List<String> newestTransitions, Instant clock,
                    long cohortRows, List<String> topInfluencers) {
        long users() {
            return statusCounts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final JdbcTarget reader;
    private Connection connection;

    LiveSummary(JdbcTarget reader) {
        this.reader = reader;
    }

    Snapshot read() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = reader.connect();
        }
        Map<RetentionStatus, Long> counts = new EnumMap<>(RetentionStatus.class);
        for (RetentionStatus s : RetentionStatus.values()) {
            counts.put(s, 0L);
        }
        Instant clock = null;
        List<String> newest = new ArrayList<>();
        long cohortRows;
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT status, count(*) FROM user_retention GROUP BY status")) {
                while (rs.next()) {
                    counts.put(RetentionStatus.ofWord(rs.getString(1)), rs.getLong(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT max(as_of) FROM user_retention")) {
                if (rs.next() && rs.getObject(1) != null) {
                    clock = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
                }
            }
            try (ResultSet rs = s.executeQuery("""
                    SELECT user_id, coalesce(from_status, '-'), to_status, transition_at FROM retention_transitions
                    WHERE from_status IS NOT NULL ORDER BY transition_at DESC, user_id LIMIT 3""")) {
                while (rs.next()) {
                    newest.add(rs.getString(1) + " " + rs.getString(2) + "->" + rs.getString(3) + " at "
                            + MINUTE.format(rs.getObject(4, java.time.OffsetDateTime.class)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM retention_cohorts")) {
                rs.next();
                cohortRows = rs.getLong(1);
            }
        }
        List<String> influencers = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT user_id, cascade_reach, cascade_depth, acquired_users, acquired_revenue
                     FROM top_influencers ORDER BY position LIMIT 3""")) {
            while (rs.next()) {
                influencers.add(String.format("%s reach %,d (depth %d, %d direct, CNY %,.0f)", rs.getString(1),
                        rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getBigDecimal(5)));
            }
        }
        return new Snapshot(counts, newest, clock, cohortRows, influencers);
    }

    static void print(PrintStream out, Duration uptime, double eventsPerSecond, long published, long deadLetters,
                      Snapshot s) {
        StringBuilder line = new StringBuilder();
        line.append(String.format("[%s] %,.0f ev/s | published %,d | dead letters %,d | event time %s%n",
                format(uptime), eventsPerSecond, published, deadLetters,
                s.clock() == null ? "-" : MINUTE.format(s.clock())));
        line.append(String.format("   users %,d:", s.users()));
        s.statusCounts().forEach((status, n) -> line.append(String.format(" %s %,d", status.word(), n)));
        line.append(String.format(" | cohort rows %,d%n", s.cohortRows()));
        for (String t : s.newestTransitions()) {
            line.append("   ").append(t).append('\n');
        }
        if (!s.topInfluencers().isEmpty()) {
            line.append("   top influencers: ").append(String.join(" | ", s.topInfluencers())).append('\n');
        }
        out.print(line);
        out.flush();
    }

    private static String format(Duration d) {
        return String.format("%02d:%02d", d.toMinutes(), d.toSecondsPart());
    }

    void close() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }
}
