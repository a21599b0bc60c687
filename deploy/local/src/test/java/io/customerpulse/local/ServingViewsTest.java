package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The marketers' views (sql/postgres/020_retention_views.sql, 040_wom_views.sql) over rows
 * written by hand into a real PostgreSQL, read through the read-only login as a BI tool would:
 * what each view selects, its order and its ties, and every figure it derives, all worked out by
 * hand below.
 */
class ServingViewsTest {
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.postgresOnly();

    @BeforeEach
    void emptyTables() throws SQLException {
        STACK.postgres().emptyServingTables();
        execute("UPDATE fan_ladder_levels SET min_purchase_days = 2 WHERE level = 'repeat_customer'");
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection c = STACK.postgres().appTarget().connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** A user_retention row with the columns the views read; the others are fixed. */
    private static String user(String id, String status, String channel, long purchases, String revenue,
                               Integer frequency, Double expectedPurchases30d) {
        return "INSERT INTO user_retention (user_id, status, activity_score, first_seen_at, last_active_at,"
                + " acquisition_channel, clicks, shares, purchases, revenue, frequency, recency_days, age_days, p_alive,"
                + " expected_purchases_30d, risk_after_days, as_of) VALUES ('" + id + "', '" + status + "', 1.0,"
                + " '2025-03-01T00:00:00Z', '2025-03-05T00:00:00Z', '" + channel + "', 3, 0, " + purchases + ", "
                + revenue + ", " + frequency + ", " + (frequency == null ? "NULL" : "4") + ", "
                + (frequency == null ? "NULL" : "20") + ", " + (frequency == null ? "NULL" : "0.5") + ", "
                + expectedPurchases30d + ", 14, '2025-03-21T00:00:00Z')";
    }

    private static String sharer(String id, long cascadeReach, String acquiredRevenue, long directReach, long acquiredUsers) {
        return "INSERT INTO wom_reach (user_id, shares, direct_reach, acquired_users, cascade_reach, cascade_depth,"
                + " referred_purchases, referred_revenue, acquired_revenue, acquired_by, as_of) VALUES ('" + id + "', 1, "
                + directReach + ", " + acquiredUsers + ", " + cascadeReach + ", " + Math.min(cascadeReach, 3)
                + ", 0, 0, " + acquiredRevenue + ", NULL, '2025-03-21T00:00:00Z')";
    }

    private static List<String> read(String sql) throws SQLException {
        return Tables.dump(STACK.postgres().readerTarget(), sql);
    }

    @Test
    void winbackCandidatesAreAtRiskBuyersByRevenueThenExpectedPurchasesThenUserId() throws Exception {
        execute(user("u1", "at_risk", "web", 2, "100.00", 1, 0.5),
                user("u2", "at_risk", "web", 1, "100.00", 0, 0.8),
                user("u3", "at_risk", "app", 0, "0.00", null, null),   // never bought: nothing to win back
                user("u4", "active", "app", 5, "500.00", 3, 2.0),     // not at risk
                user("u5", "at_risk", "store", 4, "250.00", 2, 1.2),
                user("u6", "at_risk", "qr", 1, "100.00", 0, 0.8),     // ties u2 on revenue and expectation
                user("u7", "dormant", "web", 9, "900.00", 5, 0.1));   // past at risk
        // avg_order_value = revenue / purchases; expected_revenue_30d = expected purchases x that.
        assertThat(read("SELECT user_id, purchases, revenue, avg_order_value, expected_revenue_30d FROM winback_candidates"))
                .containsExactly(
                        "u5 | 4 | 250.00 | 62.50 | 75.00",   // 1.2 x 62.50
                        "u2 | 1 | 100.00 | 100.00 | 80.00",  // 0.8 x 100.00
                        "u6 | 1 | 100.00 | 100.00 | 80.00",
                        "u1 | 2 | 100.00 | 50.00 | 25.00");  // 0.5 x 50.00
    }

    @Test
    void statusCountsByAcquisitionChannelAndCohortCurvesAsPercentages() throws Exception {
        execute(user("a", "active", "web", 1, "10.00", 0, 0.1),
                user("b", "active", "web", 2, "15.50", 1, 0.2),
                user("c", "at_risk", "web", 0, "0.00", null, null),
                user("d", "active", "store", 1, "99.99", 0, 0.3),
                "INSERT INTO retention_cohorts VALUES ('2025-03-01', 'web', 0, 3, 3, '2025-03-21T00:00:00Z'),"
                        + " ('2025-03-01', 'web', 1, 1, 3, '2025-03-21T00:00:00Z'),"
                        + " ('2025-03-01', 'web', 7, 2, 3, '2025-03-21T00:00:00Z'),"
                        + " ('2025-03-02', 'qr', 30, 0, 8, '2025-03-21T00:00:00Z')");
        assertThat(read("SELECT * FROM status_by_channel ORDER BY acquisition_channel, status")).containsExactly(
                "store | active | 1 | 99.99",
                "web | active | 2 | 25.50",
                "web | at_risk | 1 | 0.00");
        assertThat(read("SELECT cohort_day, acquisition_channel, day_n, retention_pct FROM cohort_retention_pct"
                + " ORDER BY cohort_day, day_n")).containsExactly(
                "2025-03-01 | web | 0 | 100.00",
                "2025-03-01 | web | 1 | 33.33",   // 1 of 3
                "2025-03-01 | web | 7 | 66.67",   // 2 of 3
                "2025-03-02 | qr | 30 | 0.00");
    }

    @Test
    void topInfluencersRankByCascadeReachThenAcquiredRevenueThenUserId() throws Exception {
        execute(sharer("a", 5, "10.00", 9, 2),
                sharer("b", 5, "20.00", 1, 1),
                sharer("c", 5, "20.00", 1, 1),   // ties b: by user_id
                sharer("d", 0, "500.00", 40, 0), // reached many, acquired nobody: no cascade
                sharer("e", 7, "0.00", 2, 2));
        assertThat(read("SELECT position, user_id, cascade_reach, acquired_revenue FROM top_influencers ORDER BY position"))
                .containsExactly("1 | e | 7 | 0.00", "2 | b | 5 | 20.00", "3 | c | 5 | 20.00", "4 | a | 5 | 10.00");
    }

    @Test
    void theFanLadderPutsEachUserOnTheHighestLevelTheyMeetAndFollowsChangedThresholds() throws Exception {
        execute(user("visitor", "active", "web", 0, "0.00", null, null),
                user("customer", "active", "web", 1, "5.00", 0, 0.1),
                user("repeat", "active", "web", 3, "30.00", 1, 0.4),       // bought on 2 days
                user("advocate", "active", "web", 1, "5.00", 0, 0.1),
                user("repeat-sharer", "active", "web", 2, "20.00", 1, 0.3),
                user("superfan", "active", "web", 2, "20.00", 1, 0.3),
                user("sharer-only", "active", "web", 0, "0.00", null, null),
                sharer("advocate", 0, "0.00", 2, 0),
                sharer("repeat-sharer", 0, "0.00", 1, 0),   // repeat customer who reached someone: advocate
                sharer("superfan", 1, "0.00", 1, 1),
                sharer("sharer-only", 3, "0.00", 5, 3));    // never bought: the ladder starts with buying
        String ladder = "SELECT user_id, level, purchase_days FROM fan_ladder ORDER BY user_id";
        assertThat(read(ladder)).containsExactly(
                "advocate | advocate | 1",
                "customer | customer | 1",
                "repeat | repeat_customer | 2",
                "repeat-sharer | advocate | 2",
                "sharer-only | visitor | 0",
                "superfan | superfan | 2",
                "visitor | visitor | 0");

        // A marketer raises the bar for repeat customers: the view follows at once.
        execute("UPDATE fan_ladder_levels SET min_purchase_days = 3 WHERE level = 'repeat_customer'");
        assertThat(read(ladder)).contains("repeat | customer | 2");
    }

    @Test
    void theReadOnlyLoginReadsEveryViewAndChangesNothing() throws Exception {
        for (String view : List.of("winback_candidates", "status_by_channel", "cohort_retention_pct", "top_influencers",
                "fan_ladder", "fan_ladder_levels", "model_params")) {
            assertThat(read("SELECT count(*) FROM " + view)).as(view).hasSize(1);
        }
        try (Connection c = STACK.postgres().readerTarget().connect(); Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.execute("UPDATE fan_ladder_levels SET min_purchases = 0"));
            assertThrows(SQLException.class, () -> s.execute("CREATE TABLE mine (x int)"));
        }
    }
}
