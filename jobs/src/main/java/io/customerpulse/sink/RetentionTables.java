package io.customerpulse.sink;

import io.customerpulse.retention.CohortRow;
import io.customerpulse.retention.StatusTransition;
import io.customerpulse.retention.UserRetentionRow;
import io.customerpulse.sink.ArrayUpsert.Column;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The retention job's PostgreSQL sinks: idempotent statements, so a restart that replays rows
 * from the last checkpoint changes nothing, and an older version of a row never overwrites a
 * newer one (conditional on as_of).
 */
public final class RetentionTables {

    /** user_retention, a chunk of users per statement. */
    static final ArrayUpsert<UserRetentionRow> UPSERT_USER_RETENTION = new ArrayUpsert<>("user_retention", "user_id", "as_of",
            Column.of("user_id", "text", r -> r.userId),
            Column.of("status", "text", r -> r.status),
            Column.of("activity_score", "float8", r -> r.activityScore),
            Column.instant("first_seen_at", r -> r.firstSeenAt),
            Column.instant("last_active_at", r -> r.lastActiveAt),
            Column.of("acquisition_channel", "text", r -> r.acquisitionChannel),
            Column.of("clicks", "int8", r -> r.clicks),
            Column.of("shares", "int8", r -> r.shares),
            Column.of("purchases", "int8", r -> r.purchases),
            Column.money("revenue", r -> r.revenueMinor),
            Column.of("frequency", "int4", r -> r.frequency),
            Column.of("recency_days", "int4", r -> r.recencyDays),
            Column.of("age_days", "int4", r -> r.ageDays),
            Column.of("p_alive", "float8", r -> r.pAlive),
            Column.of("expected_purchases_30d", "float8", r -> r.expectedPurchases30d),
            Column.of("risk_after_days", "float8", r -> r.riskAfterDays),
            Column.instant("as_of", r -> r.asOf));

    static final String INSERT_TRANSITION = """
            INSERT INTO retention_transitions (user_id, from_status, to_status, transition_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT ON CONSTRAINT retention_transitions_once DO NOTHING
            """;

    static final String UPSERT_COHORT = """
            INSERT INTO retention_cohorts (cohort_day, acquisition_channel, day_n, active_users, cohort_size, as_of)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (cohort_day, acquisition_channel, day_n) DO UPDATE SET
                active_users = EXCLUDED.active_users, cohort_size = EXCLUDED.cohort_size, as_of = EXCLUDED.as_of
            WHERE retention_cohorts.as_of <= EXCLUDED.as_of
            """;

    private RetentionTables() {}

    /**
     * Writes chunks of user_retention rows with distinct users, one statement each. The writer's
     * batch size counts chunks, so it is {@code execution}'s (in rows) divided by the chunk size.
     */
    public static Sink<List<UserRetentionRow>> userRetention(JdbcTarget target, JdbcExecutionOptions execution) {
        return sink(target, "user_retention", ArrayUpsert.inChunks(execution), UPSERT_USER_RETENTION.sql(),
                UPSERT_USER_RETENTION);
    }

    /**
     * The transitions feed is insert-only (ON CONFLICT DO NOTHING), so the driver may send each
     * batch as one multi-row INSERT. Upserts may not: a multi-row INSERT ... DO UPDATE fails when a
     * key appears twice in it, which two coalesced flushes inside one batch can cause.
     */
    public static Sink<StatusTransition> transitions(JdbcTarget target, JdbcExecutionOptions execution) {
        JdbcTarget batched = new JdbcTarget(withBatchedInserts(target.url()), target.user(), target.password());
        return sink(batched, "retention_transitions", execution, INSERT_TRANSITION, RetentionTables::bindTransition);
    }

    public static Sink<CohortRow> cohorts(JdbcTarget target, JdbcExecutionOptions execution) {
        return sink(target, "retention_cohorts", execution, UPSERT_COHORT, RetentionTables::bindCohort);
    }

    static void bindTransition(PreparedStatement ps, StatusTransition t) throws SQLException {
        ps.setString(1, t.userId);
        ps.setString(2, t.fromStatus);
        ps.setString(3, t.toStatus);
        ps.setObject(4, instant(t.transitionAt));
    }

    static void bindCohort(PreparedStatement ps, CohortRow c) throws SQLException {
        ps.setObject(1, LocalDate.ofEpochDay(c.cohortDay));
        ps.setString(2, c.channel);
        ps.setInt(3, c.dayN);
        ps.setLong(4, c.activeUsers);
        ps.setLong(5, c.cohortSize);
        ps.setObject(6, instant(c.asOf));
    }

    /** How long a sink waits for the database to come back before it fails (and the job restarts). */
    static final java.time.Duration RECONNECT_TIMEOUT = java.time.Duration.ofMinutes(1);

    /**
     * The {@code application_name} of a sink's connections is this prefix and the table it writes,
     * so that {@code pg_stat_activity} shows which connection writes what (unless the JDBC URL
     * names the application itself).
     */
    public static final String SINK_APPLICATION_PREFIX = "customer-pulse/";

    static <T> Sink<T> sink(JdbcTarget target, String table, JdbcExecutionOptions execution, String sql,
                            JdbcStatementBuilder<T> binder) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection =
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(withParameter(target.url(), "ApplicationName", SINK_APPLICATION_PREFIX + table))
                        .withDriverName("org.postgresql.Driver");
        if (target.user() != null) {
            connection.withUsername(target.user());
        }
        if (target.password() != null) {
            connection.withPassword(target.password());
        }
        return JdbcSink.<T>builder()
                .withQueryStatement(sql, binder)
                .withExecutionOptions(execution)
                .buildAtLeastOnce(new ReconnectingConnectionProvider(connection.build(), RECONNECT_TIMEOUT));
    }

    /** Lets the driver send a batch of inserts as multi-row statements (far fewer round trips). */
    public static String withBatchedInserts(String url) {
        return withParameter(url, "reWriteBatchedInserts", "true");
    }

    /** {@code url} with the driver parameter {@code name} set to {@code value}, unless it sets it already. */
    static String withParameter(String url, String name, String value) {
        if (url.contains(name + "=")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + name + "=" + value;
    }

    public static OffsetDateTime instant(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    public static BigDecimal money(long minorUnits) {
        return BigDecimal.valueOf(minorUnits, 2);
    }
}
