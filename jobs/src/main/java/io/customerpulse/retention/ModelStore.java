package io.customerpulse.retention;

import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.time.DayClock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** The BG/NBD fit's input and output in the serving store. */
public final class ModelStore {
    private ModelStore() {}

    /** The newest as_of in user_retention: the job's event-time clock as the table shows it. */
    public static Instant newestAsOf(JdbcTarget target) throws SQLException {
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(as_of) FROM user_retention")) {
            rs.next();
            OffsetDateTime newest = rs.getObject(1, OffsetDateTime.class);
            if (newest == null) {
                throw new IllegalStateException("user_retention is empty: nothing to fit");
            }
            return newest.toInstant();
        }
    }

    /**
     * Every customer's (x, t_x, T) with T measured at {@code asOf}: a row stores age_days at its own
     * as_of, so the first purchase day is day(as_of) - age_days and T = day(asOf) - that day.
     * Customers whose first purchase is after {@code asOf} are left out.
     */
    public static List<BgNbdFitter.Customer> customers(JdbcTarget target, Instant asOf, ZoneId zone) throws SQLException {
        DayClock days = new DayClock(zone);
        int asOfDay = days.epochDay(asOf.toEpochMilli());
        List<BgNbdFitter.Customer> customers = new ArrayList<>();
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery(
                    "SELECT frequency, recency_days, age_days, as_of FROM user_retention WHERE frequency IS NOT NULL")) {
                while (rs.next()) {
                    int rowDay = days.epochDay(rs.getObject(4, OffsetDateTime.class).toInstant().toEpochMilli());
                    int firstPurchaseDay = rowDay - rs.getInt(3);
                    int age = asOfDay - firstPurchaseDay;
                    if (age >= rs.getInt(2)) {
                        customers.add(new BgNbdFitter.Customer(rs.getInt(1), rs.getInt(2), age));
                    }
                }
            }
            c.commit();
        }
        return customers;
    }

    /** Stores a fit (alpha in days); the live retention job picks it up at its next refresh. */
    public static long store(JdbcTarget target, BgNbdFitter.Fit fit, Instant asOf) throws SQLException {
        try (Connection c = target.connect(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO model_params (as_of, customers, r, alpha_days, a, b, log_likelihood)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
            ps.setObject(1, OffsetDateTime.ofInstant(asOf, java.time.ZoneOffset.UTC));
            ps.setInt(2, fit.customers());
            ps.setDouble(3, fit.parameters().r());
            ps.setDouble(4, fit.parameters().alpha());
            ps.setDouble(5, fit.parameters().a());
            ps.setDouble(6, fit.parameters().b());
            ps.setDouble(7, fit.logLikelihood());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
