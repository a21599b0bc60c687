package io.customerpulse.sink;

import io.customerpulse.reach.WomDailyRow;
import io.customerpulse.reach.WomReachRow;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;

/** The reach job's PostgreSQL sinks: idempotent upserts conditional on as_of. */
public final class WomTables {

    static final String UPSERT_WOM_REACH = """
            INSERT INTO wom_reach (user_id, shares, direct_reach, acquired_users, cascade_reach, cascade_depth,
                referred_purchases, referred_revenue, acquired_revenue, acquired_by, as_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                shares = EXCLUDED.shares, direct_reach = EXCLUDED.direct_reach,
                acquired_users = EXCLUDED.acquired_users, cascade_reach = EXCLUDED.cascade_reach,
                cascade_depth = EXCLUDED.cascade_depth, referred_purchases = EXCLUDED.referred_purchases,
                referred_revenue = EXCLUDED.referred_revenue, acquired_revenue = EXCLUDED.acquired_revenue,
                acquired_by = EXCLUDED.acquired_by, as_of = EXCLUDED.as_of
            WHERE wom_reach.as_of <= EXCLUDED.as_of
            """;

    static final String UPSERT_WOM_DAILY = """
            INSERT INTO wom_daily (day, channel, sharers, shares, touches, acquisitions, k_factor, as_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, channel) DO UPDATE SET
                sharers = EXCLUDED.sharers, shares = EXCLUDED.shares, touches = EXCLUDED.touches,
                acquisitions = EXCLUDED.acquisitions, k_factor = EXCLUDED.k_factor, as_of = EXCLUDED.as_of
            WHERE wom_daily.as_of <= EXCLUDED.as_of
            """;

    private WomTables() {}

    public static Sink<WomReachRow> reach(JdbcTarget target, JdbcExecutionOptions execution) {
        return RetentionTables.sink(target, "wom_reach", execution, UPSERT_WOM_REACH, WomTables::bindReach);
    }

    public static Sink<WomDailyRow> daily(JdbcTarget target, JdbcExecutionOptions execution) {
        return RetentionTables.sink(target, "wom_daily", execution, UPSERT_WOM_DAILY, WomTables::bindDaily);
    }

    static void bindReach(PreparedStatement ps, WomReachRow r) throws SQLException {
        ps.setString(1, r.userId);
        ps.setLong(2, r.shares);
        ps.setLong(3, r.directReach);
        ps.setLong(4, r.acquiredUsers);
        ps.setLong(5, r.cascadeReach);
        ps.setInt(6, r.cascadeDepth);
        ps.setLong(7, r.referredPurchases);
        ps.setBigDecimal(8, RetentionTables.money(r.referredRevenueMinor));
        ps.setBigDecimal(9, RetentionTables.money(r.acquiredRevenueMinor));
        ps.setString(10, r.acquiredBy);
        ps.setObject(11, RetentionTables.instant(r.asOf));
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
