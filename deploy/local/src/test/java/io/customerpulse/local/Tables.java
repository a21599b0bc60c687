package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.sink.JdbcTarget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** Reading and comparing serving tables in tests. */
final class Tables {
    static final List<String> RETENTION = List.of(
            "SELECT * FROM user_retention ORDER BY user_id",
            "SELECT user_id, from_status, to_status, transition_at FROM retention_transitions ORDER BY user_id, transition_at, to_status",
            "SELECT * FROM retention_cohorts ORDER BY cohort_day, acquisition_channel, day_n");
    static final List<String> REACH = List.of(
            "SELECT * FROM wom_reach ORDER BY user_id",
            "SELECT * FROM wom_daily ORDER BY day, channel");

    private Tables() {}

    /** Every row as text, columns joined by " | ". */
    static List<String> dump(JdbcTarget db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(i > 1 ? " | " : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** The same rows in the same order; on failure, says which rows differ. */
    static void assertSameRows(String table, List<String> expected, List<String> actual) {
        assertThat(expected).as(table).hasSizeGreaterThan(10);
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(new HashSet<>(actual));
        List<String> extra = new ArrayList<>(actual);
        extra.removeAll(new HashSet<>(expected));
        assertThat(missing).as("%s: expected rows missing (%d expected, %d actual); unexpected rows: %s",
                table, expected.size(), actual.size(), extra.stream().limit(20).toList()).isEmpty();
        assertThat(extra).as("%s: unexpected rows", table).isEmpty();
        assertThat(actual).as(table).containsExactlyElementsOf(expected);
    }

    static void assertSameTables(List<String> queries, JdbcTarget expected, JdbcTarget actual) throws SQLException {
        for (String query : queries) {
            assertSameRows(query, dump(expected, query), dump(actual, query));
        }
    }

    /**
     * Waits until a live job has let its clock reach the end and flushed every row: until no row
     * of any serving table has changed for 8 s. The fingerprint covers every column of every row,
     * so one job still updating a column the other tables do not show keeps the wait going.
     */
    static void awaitStable(JdbcTarget db) throws Exception {
        StringBuilder query = new StringBuilder("SELECT ");
        List<String> tables = List.of("user_retention", "retention_transitions", "retention_cohorts", "wom_reach", "wom_daily");
        for (int i = 0; i < tables.size(); i++) {
            query.append(i > 0 ? " || '/' || " : "")
                    .append("(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM ")
                    .append(tables.get(i)).append(" t)");
        }
        String fingerprint = "";
        int stableChecks = 0;
        long deadline = System.currentTimeMillis() + 120_000;
        while (stableChecks < 8 && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            String now = String.join("|", dump(db, query.toString()));
            stableChecks = now.equals(fingerprint) ? stableChecks + 1 : 0;
            fingerprint = now;
        }
    }
}
