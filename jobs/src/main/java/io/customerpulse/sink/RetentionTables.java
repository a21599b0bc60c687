package io.customerpulse.sink;

import io.customerpulse.retention.CohortRow;
import io.customerpulse.retention.StatusTransition;
import io.customerpulse.retention.UserRetentionRow;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The retention job's PostgreSQL sinks: idempotent statements, so a restart that replays rows
 * from the last checkpoint changes nothing, and an older version of a row never overwrites a
 * newer one (conditional on as_of).
 */
public final class RetentionTables {

    static final String UPSERT_USER_RETENTION = """
            INSERT INTO user_retention (user_id, status, activity_score, first_seen_at, last_active_at,
                acquisition_channel, clicks, shares, purchases, revenue, frequency, recency_days, age_days,
                p_alive, expected_purchases_30d, risk_after_days, as_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                status = EXCLUDED.status, activity_score = EXCLUDED.activity_score,
                first_seen_at = EXCLUDED.first_seen_at, last_active_at = EXCLUDED.last_active_at,
                acquisition_channel = EXCLUDED.acquisition_channel, clicks = EXCLUDED.clicks,
                shares = EXCLUDED.shares, purchases = EXCLUDED.purchases, revenue = EXCLUDED.revenue,
                frequency = EXCLUDED.frequency, recency_days = EXCLUDED.recency_days, age_days = EXCLUDED.age_days,
                p_alive = EXCLUDED.p_alive, expected_purchases_30d = EXCLUDED.expected_purchases_30d,
                risk_after_days = EXCLUDED.risk_after_days, as_of = EXCLUDED.as_of
            WHERE user_retention.as_of <= EXCLUDED.as_of
            """;

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

    public static Sink<UserRetentionRow> userRetention(JdbcTarget target, JdbcExecutionOptions execution) {
        return sink(target, "user_retention", execution, UPSERT_USER_RETENTION, RetentionTables::bindUserRetention);
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

    static void bindUserRetention(PreparedStatement ps, UserRetentionRow r) throws SQLException {
        ps.setString(1, r.userId);
        ps.setString(2, r.status);
        ps.setDouble(3, r.activityScore);
        ps.setObject(4, instant(r.firstSeenAt));
        ps.setObject(5, instant(r.lastActiveAt));
        ps.setString(6, r.acquisitionChannel);
        ps.setLong(7, r.clicks);
        ps.setLong(8, r.shares);
        ps.setLong(9, r.purchases);
        ps.setBigDecimal(10, money(r.revenueMinor));
        setInteger(ps, 11, r.frequency);
        setInteger(ps, 12, r.recencyDays);
        setInteger(ps, 13, r.ageDays);
        setDouble(ps, 14, r.pAlive);
        setDouble(ps, 15, r.expectedPurchases30d);
        ps.setDouble(16, r.riskAfterDays);
        ps.setObject(17, instant(r.asOf));
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

    private static void setInteger(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }
}
