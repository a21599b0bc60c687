package io.customerpulse.local;

import io.customerpulse.reach.WomDailyRow;
import io.customerpulse.reach.WomReachRow;
import io.customerpulse.retention.RetentionReference.Canonical;
import io.customerpulse.sink.JdbcTarget;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The serving tables read back from PostgreSQL in the oracles' row formats: retention rows as
 * {@link io.customerpulse.retention.RetentionReference} prints them, word-of-mouth rows as their
 * {@code figures()}, so a table compares with an independently computed expectation row by row.
 */
final class CanonicalTables {
    private CanonicalTables() {}

    static List<String> userRetention(JdbcTarget db) throws SQLException {
        return rows(db, "SELECT * FROM user_retention ORDER BY user_id", rs -> Canonical.row(
                rs.getString("user_id"), rs.getString("status"), Canonical.decimal6(rs.getDouble("activity_score")),
                Canonical.millis(rs.getTimestamp("first_seen_at")), Canonical.millis(rs.getTimestamp("last_active_at")),
                rs.getString("acquisition_channel"), rs.getLong("clicks"), rs.getLong("shares"), rs.getLong("purchases"),
                Canonical.money(rs.getBigDecimal("revenue")), rs.getObject("frequency"), rs.getObject("recency_days"),
                rs.getObject("age_days"), Canonical.decimal6((Double) rs.getObject("p_alive")),
                Canonical.decimal6((Double) rs.getObject("expected_purchases_30d")),
                Canonical.decimal6(rs.getDouble("risk_after_days")), Canonical.millis(rs.getTimestamp("as_of"))));
    }

    static List<String> transitions(JdbcTarget db) throws SQLException {
        return rows(db, "SELECT * FROM retention_transitions ORDER BY user_id, transition_at, to_status", rs -> Canonical.row(
                rs.getString("user_id"), rs.getString("from_status"), rs.getString("to_status"),
                Canonical.millis(rs.getTimestamp("transition_at"))));
    }

    static List<String> cohorts(JdbcTarget db) throws SQLException {
        return rows(db, "SELECT * FROM retention_cohorts ORDER BY cohort_day, acquisition_channel, day_n", rs -> Canonical.row(
                Canonical.date(rs.getDate("cohort_day")), rs.getString("acquisition_channel"), rs.getInt("day_n"),
                rs.getLong("active_users"), rs.getLong("cohort_size"), Canonical.millis(rs.getTimestamp("as_of"))));
    }

    /** wom_reach as {@link WomReachRow#figures()}, by user. */
    static Map<String, String> womReach(JdbcTarget db) throws SQLException {
        Map<String, String> byUser = new TreeMap<>();
        for (WomReachRow r : rows(db, "SELECT * FROM wom_reach", rs -> {
            WomReachRow r = new WomReachRow();
            r.userId = rs.getString("user_id");
            r.shares = rs.getLong("shares");
            r.directReach = rs.getLong("direct_reach");
            r.acquiredUsers = rs.getLong("acquired_users");
            r.cascadeReach = rs.getLong("cascade_reach");
            r.cascadeDepth = rs.getInt("cascade_depth");
            r.referredPurchases = rs.getLong("referred_purchases");
            r.referredRevenueMinor = minor(rs.getBigDecimal("referred_revenue"));
            r.acquiredRevenueMinor = minor(rs.getBigDecimal("acquired_revenue"));
            r.acquiredBy = rs.getString("acquired_by");
            return r;
        })) {
            byUser.put(r.userId, r.figures());
        }
        return byUser;
    }

    /** wom_daily as {@link WomDailyRow#figures()}, by day and channel. */
    static Map<String, String> womDaily(JdbcTarget db) throws SQLException {
        Map<String, String> byKey = new TreeMap<>();
        for (WomDailyRow r : rows(db, "SELECT * FROM wom_daily", rs -> {
            WomDailyRow r = new WomDailyRow();
            r.day = (int) rs.getDate("day").toLocalDate().toEpochDay();
            r.channel = rs.getString("channel");
            r.sharers = rs.getLong("sharers");
            r.shares = rs.getLong("shares");
            r.touches = rs.getLong("touches");
            r.acquisitions = rs.getLong("acquisitions");
            r.kFactor = (Double) rs.getObject("k_factor");
            return r;
        })) {
            byKey.put(r.rowKey(), r.figures());
        }
        return byKey;
    }

    private static long minor(BigDecimal amount) {
        return amount.movePointRight(2).longValueExact();
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> rows(JdbcTarget db, String sql, RowReader<T> reader) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(reader.read(rs));
            }
        }
        return rows;
    }
}
