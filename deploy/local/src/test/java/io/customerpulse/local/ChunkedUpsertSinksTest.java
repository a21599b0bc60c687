package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.cli.JobOptions;
import io.customerpulse.reach.WomReachRow;
import io.customerpulse.retention.UserRetentionRow;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;
import io.customerpulse.sink.WomTables;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The user_retention and wom_reach sinks as the jobs use them: chunks of rows through Flink's JDBC
 * connector, one upsert from {@code unnest} of column arrays per chunk, into a real PostgreSQL.
 * Every column lands exactly (instants to the millisecond, revenue from minor units, absent
 * figures as NULL), and an older version of a row never replaces a newer one.
 */
class ChunkedUpsertSinksTest {
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.postgresOnly();

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static UserRetentionRow row(String user, String status, long revenueMinor, Integer frequency, String asOf) {
        UserRetentionRow r = new UserRetentionRow();
        r.userId = user;
        r.status = status;
        r.activityScore = 4.25;
        r.firstSeenAt = at("2025-03-01T08:15:00.001Z");
        r.lastActiveAt = at("2025-03-20T23:59:59.999Z");
        r.acquisitionChannel = "mini_program";
        r.clicks = 12;
        r.shares = 3;
        r.purchases = 2;
        r.revenueMinor = revenueMinor;
        if (frequency != null) {
            r.frequency = frequency;
            r.recencyDays = 19;
            r.ageDays = 30;
            r.pAlive = 0.875;
            r.expectedPurchases30d = 1.5;
        }
        r.riskAfterDays = 28.5;
        r.asOf = at(asOf);
        return r;
    }

    /** Writes {@code chunks} in their order through the sink {@code table} makes of the jobs' defaults. */
    private static <T> void write(Class<T> rowType, List<List<T>> chunks,
                                  BiFunction<JdbcTarget, JdbcExecutionOptions, Sink<List<T>>> table) throws Exception {
        JobOptions job = JobOptions.parse("--parallelism", "1");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.flinkConfiguration("test"));
        env.fromData(chunks, Types.LIST(TypeInformation.of(rowType))).uid("test-chunks")
                .sinkTo(table.apply(STACK.postgres().appTarget(), job.sinkExecution())).uid("test-sink");
        env.execute("chunked upsert sink test");
    }

    private static List<String> userRows() throws SQLException {
        return Tables.dump(STACK.postgres().appTarget(), """
                SELECT user_id, status, activity_score,
                       to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'),
                       to_char(last_active_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'),
                       acquisition_channel, clicks, shares, purchases, revenue, frequency, recency_days, age_days,
                       p_alive, expected_purchases_30d, risk_after_days,
                       to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS')
                FROM user_retention ORDER BY user_id""");
    }

    @Test
    void userRetentionChunksLandColumnForColumnAndOlderVersionsNeverReplaceNewerOnes() throws Exception {
        STACK.postgres().emptyServingTables();
        write(UserRetentionRow.class, List.of(
                List.of(row("ann", "active", 1999, 1, "2025-03-20T23:59:59.999Z"),
                        row("bo", "new", 0, null, "2025-03-10T00:00:00Z")),
                // A later chunk: bo's newer version replaces the row, ann's older one does not.
                List.of(row("bo", "at_risk", 123456789012L, null, "2025-04-01T06:30:00.250Z"),
                        row("ann", "new", 5, null, "2025-03-02T00:00:00Z"))),
                RetentionTables::userRetention);

        assertThat(userRows()).containsExactly(
                "ann | active | 4.25 | 2025-03-01T08:15:00.001 | 2025-03-20T23:59:59.999 | mini_program | 12 | 3 | 2"
                        + " | 19.99 | 1 | 19 | 30 | 0.875 | 1.5 | 28.5 | 2025-03-20T23:59:59.999",
                "bo | at_risk | 4.25 | 2025-03-01T08:15:00.001 | 2025-03-20T23:59:59.999 | mini_program | 12 | 3 | 2"
                        + " | 1234567890.12 | null | null | null | null | null | 28.5 | 2025-04-01T06:30:00.250");
    }

    private static WomReachRow reach(String user, long shares, String acquiredBy, String asOf) {
        WomReachRow r = new WomReachRow();
        r.userId = user;
        r.shares = shares;
        r.directReach = 7;
        r.acquiredUsers = 3;
        r.cascadeReach = 5;
        r.cascadeDepth = 2;
        r.referredPurchases = 4;
        r.referredRevenueMinor = 10_005;
        r.acquiredRevenueMinor = 99;
        r.acquiredBy = acquiredBy;
        r.asOf = at(asOf);
        return r;
    }

    @Test
    void womReachChunksLandColumnForColumnAndOlderVersionsNeverReplaceNewerOnes() throws Exception {
        STACK.postgres().emptyServingTables();
        write(WomReachRow.class, List.of(
                List.of(reach("ann", 1, null, "2025-03-20T10:00:00.007Z"), reach("bo", 1, "ann", "2025-03-01T00:00:00Z")),
                List.of(reach("ann", 9, null, "2025-03-19T00:00:00Z"), reach("bo", 2, "ann", "2025-03-21T00:00:00Z"))),
                WomTables::reach);

        assertThat(Tables.dump(STACK.postgres().appTarget(), """
                SELECT user_id, shares, direct_reach, acquired_users, cascade_reach, cascade_depth, referred_purchases,
                       referred_revenue, acquired_revenue, acquired_by,
                       to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS')
                FROM wom_reach ORDER BY user_id""")).containsExactly(
                "ann | 1 | 7 | 3 | 5 | 2 | 4 | 100.05 | 0.99 | null | 2025-03-20T10:00:00.007",
                "bo | 2 | 7 | 3 | 5 | 2 | 4 | 100.05 | 0.99 | ann | 2025-03-21T00:00:00.000");
    }
}
