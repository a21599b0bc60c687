package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** The bench's end of a live run: the sink connections' last statement, once they are quiet. */
class SinkActivityTest {
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.postgresOnly();

    private static final Duration QUIET = Duration.ofMillis(500);
    private static final Duration PATIENCE = Duration.ofMinutes(1);

    /** A connection named as the jobs' sinks name theirs. */
    private static Connection sinkConnection(String table) throws SQLException {
        JdbcTarget app = STACK.postgres().appTarget();
        return new JdbcTarget(app.url() + (app.url().contains("?") ? "&" : "?") + "ApplicationName="
                + RetentionTables.SINK_APPLICATION_PREFIX + table, app.user(), app.password()).connect();
    }

    /** Runs a statement of {@code ms} milliseconds; returns the wall clock before and after it. */
    private static long[] timedStatement(Connection c, int ms) throws SQLException {
        try (Statement s = c.createStatement()) {
            long before = System.currentTimeMillis();
            s.execute("SELECT pg_sleep(" + ms / 1000.0 + ")");
            return new long[] {before, System.currentTimeMillis()};
        }
    }

    /** {@link #timedStatement} in the background, {@code delayMs} from now. */
    private static CompletableFuture<long[]> timedStatementAfter(long delayMs, Connection c, int ms) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(delayMs);
                return timedStatement(c, ms);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void withoutSinkConnectionsThereIsNoLastStatement() throws Exception {
        try (Connection other = STACK.postgres().appTarget().connect()) {
            timedStatement(other, 10);
            assertThat(SinkActivity.lastStatementEnd(STACK.postgres().appTarget(), QUIET, PATIENCE)).isEmpty();
        }
    }

    @Test
    void theLastStatementOfAnySinkConnectionOnceAllAreQuiet() throws Exception {
        try (Connection transitions = sinkConnection("retention_transitions");
             Connection users = sinkConnection("user_retention");
             Connection other = STACK.postgres().appTarget().connect()) {
            timedStatement(transitions, 50);
            // A statement of 300 ms that starts after the wait has begun, on another sink
            // connection: the wait sees it end, and the quiet period starts again from there.
            CompletableFuture<long[]> later = timedStatementAfter(200, users, 300);
            // Within the quiet period after it, a statement on a connection of another name: it
            // does not count.
            CompletableFuture<long[]> notASink = timedStatementAfter(750, other, 10);
            long asked = System.currentTimeMillis();
            OptionalLong end = SinkActivity.lastStatementEnd(STACK.postgres().appTarget(), QUIET, PATIENCE);
            long answered = System.currentTimeMillis();
            long[] lastStatement = later.get();
            assertThat(notASink.get()[0]).isLessThan(answered);

            assertThat(end).isPresent();
            assertThat(end.getAsLong()).isBetween(lastStatement[0] + 300, lastStatement[1]);
            assertThat(answered - asked).isGreaterThanOrEqualTo(500 + QUIET.toMillis());
        }
    }
}
