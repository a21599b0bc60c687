package io.customerpulse.local;

import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * When the jobs' sinks last wrote to PostgreSQL, as the bench times a live run: the end of the
 * last statement of the connections whose {@code application_name} starts with
 * {@link RetentionTables#SINK_APPLICATION_PREFIX}. PostgreSQL sets
 * {@code pg_stat_activity.state_change} as a statement ends, on this machine's clock, which the
 * jobs' read times come from too.
 */
final class SinkActivity {
    /** Microseconds cut to milliseconds, as {@link System#currentTimeMillis()} cuts them, not rounded. */
    private static final String QUERY = "SELECT floor(extract(epoch FROM max(state_change)) * 1000)::bigint, "
            + "count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity WHERE application_name LIKE ?";

    private SinkActivity() {}

    /**
     * The end of the sink connections' last statement (epoch ms), once they have all been idle for
     * {@code quiet} with no statement ended in between; empty if there is no sink connection. A
     * sink that still writes after {@code patience} is an error.
     */
    static OptionalLong lastStatementEnd(JdbcTarget target, Duration quiet, Duration patience)
            throws SQLException, InterruptedException {
        long deadline = System.currentTimeMillis() + patience.toMillis();
        try (Connection c = target.connect(); PreparedStatement s = c.prepareStatement(QUERY)) {
            s.setString(1, RetentionTables.SINK_APPLICATION_PREFIX + "%");
            long latest = Long.MIN_VALUE;
            long unchangedSince = System.currentTimeMillis();
            while (true) {
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getObject(1) == null) {
                        return OptionalLong.empty();
                    }
                    long now = System.currentTimeMillis();
                    if (r.getLong(1) != latest || r.getLong(2) > 0) {
                        latest = r.getLong(1);
                        unchangedSince = now;
                    } else if (now - unchangedSince >= quiet.toMillis()) {
                        return OptionalLong.of(latest);
                    }
                    if (now > deadline) {
                        throw new IllegalStateException("The sinks still wrote " + patience + " after they were first asked about");
                    }
                }
                Thread.sleep(50);
            }
        }
    }
}
