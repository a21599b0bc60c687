package io.customerpulse.sink;

import io.customerpulse.reach.WomDailyRow;
import io.customerpulse.reach.WomReachRow;
import io.customerpulse.sink.ArrayUpsert.Column;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.List;

/** The reach job's PostgreSQL sinks: idempotent upserts conditional on as_of. */
public final class WomTables {

    /** wom_reach, a chunk of sharers per statement (see {@link ArrayUpsert}). */
    static final ArrayUpsert<WomReachRow> UPSERT_WOM_REACH = new ArrayUpsert<>("wom_reach", "user_id", "as_of",
            Column.of("user_id", "text", r -> r.userId),
            Column.of("shares", "int8", r -> r.shares),
            Column.of("direct_reach", "int8", r -> r.directReach),
            Column.of("acquired_users", "int8", r -> r.acquiredUsers),
            Column.of("cascade_reach", "int8", r -> r.cascadeReach),
            Column.of("cascade_depth", "int4", r -> r.cascadeDepth),
            Column.of("referred_purchases", "int8", r -> r.referredPurchases),
            Column.money("referred_revenue", r -> r.referredRevenueMinor),
            Column.money("acquired_revenue", r -> r.acquiredRevenueMinor),
            Column.of("acquired_by", "text", r -> r.acquiredBy),
            Column.instant("as_of", r -> r.asOf));

    static final String UPSERT_WOM_DAILY = """
            INSERT INTO wom_daily (day, channel, sharers, shares, touches, acquisitions, k_factor, as_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, channel) DO UPDATE SET
                sharers = EXCLUDED.sharers, shares = EXCLUDED.shares, touches = EXCLUDED.touches,
                acquisitions = EXCLUDED.acquisitions, k_factor = EXCLUDED.k_factor, as_of = EXCLUDED.as_of
            WHERE wom_daily.as_of <= EXCLUDED.as_of
            """;

    private WomTables() {}

    /** Writes chunks of wom_reach rows with distinct sharers, one statement each (see {@link RetentionTables#userRetention}). */
    public static Sink<List<WomReachRow>> reach(JdbcTarget target, JdbcExecutionOptions execution) {
        return RetentionTables.sink(target, "wom_reach", ArrayUpsert.inChunks(execution), UPSERT_WOM_REACH.sql(),
                UPSERT_WOM_REACH);
    }

    public static Sink<WomDailyRow> daily(JdbcTarget target, JdbcExecutionOptions execution) {
        return RetentionTables.sink(target, "wom_daily", execution, UPSERT_WOM_DAILY, WomTables::bindDaily);
    }

    static void bindDaily(PreparedStatement ps, WomDailyRow r) throws SQLException {
        ps.setObject(1, LocalDate.ofEpochDay(r.day));
        ps.setString(2, r.channel);
        ps.setLong(3, r.sharers);
        ps.setLong(4, r.shares);
        ps.setLong(5, r.touches);
        ps.setLong(6, r.acquisitions);
        if (r.kFactor == null) {
            ps.setNull(7, Types.DOUBLE);
        } else {
            ps.setDouble(7, r.kFactor);
        }
        ps.setObject(8, RetentionTables.instant(r.asOf));
    }
}
