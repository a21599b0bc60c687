package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.retention.BgNbdModel;
import io.customerpulse.retention.BgNbdParameters;
import io.customerpulse.retention.RetentionJob;

import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/** A live retention job uses a newly fitted model for the rows it writes next, without a restart. */
class ModelPickupTest {
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(1);

    private static final long DAY0 = Instant.parse("2025-01-01T10:00:00Z").toEpochMilli();
    private static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void aNewFitIsUsedFromThenOn() throws Exception {
        LocalPostgres pg = STACK.postgres();
        RetentionJob job = STACK.liveJob(new RetentionJob(), pg.jdbcUrl(), "model-pickup", List.of("--allowed-lateness", "1m",
                "--idle-timeout", "2s", "--model-refresh", "1s", "--flush-interval", "200ms", "--parallelism", "1"));
        try (LocalFlink flink = LocalFlink.start(2);
             EventPublisher publisher = new EventPublisher(STACK.kafka().bootstrapServers(), LocalStackExtension.TOPICS, new Properties())) {
            JobID id = flink.submit(job);
            publisher.publish(purchase("p1", DAY0));
            publisher.publish(purchase("p2", DAY0 + 10 * DAY));
            publisher.publish(clock("c1", DAY0 + 10 * DAY + Duration.ofMinutes(2).toMillis()));
            publisher.flush();
            // Published CDNOW parameters: x = 1, t_x = 10, T = 10
            awaitPAlive(new BgNbdModel(BgNbdParameters.CDNOW_PUBLISHED_DAYS).probabilityAlive(1, 10, 10));

            BgNbdParameters fitted = new BgNbdParameters(0.5, 12.0, 0.4, 3.5);
            try (Connection c = pg.appTarget().connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO model_params (as_of, customers, r, alpha_days, a, b, log_likelihood) "
                        + "VALUES (now(), 1, 0.5, 12.0, 0.4, 3.5, -1)");
            }
            Thread.sleep(3000); // a few refresh ticks
            publisher.publish(purchase("p3", DAY0 + 20 * DAY));
            publisher.publish(clock("c2", DAY0 + 20 * DAY + Duration.ofMinutes(2).toMillis()));
            publisher.flush();
            // The new fit: x = 2, t_x = 20, T = 20
            awaitPAlive(new BgNbdModel(fitted).probabilityAlive(2, 20, 20));
            flink.cancelAndWait(id);
        }
    }

    private static void awaitPAlive(double expected) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        Double last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = STACK.postgres().appTarget().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT p_alive FROM user_retention WHERE user_id = 'm'")) {
                if (rs.next()) {
                    last = rs.getDouble(1);
                    if (last == expected) {
                        return;
                    }
                }
            } catch (java.sql.SQLException tablesNotYetThere) {
                // created when the job starts
            }
            Thread.sleep(250);
        }
        assertThat(last).as("p_alive of m").isEqualTo(expected);
    }

    private static PulseEvent purchase(String id, long t) {
        PulseEvent e = base(EventType.PURCHASE, id, "m", t);
        e.orderId = "o-" + id;
        e.amountMinor = 1000;
        e.currency = "CNY";
        return e;
    }

    private static PulseEvent clock(String id, long t) {
        PulseEvent e = base(EventType.CLICK, id, "~clock", t);
        e.page = "/";
        return e;
    }

    private static PulseEvent base(EventType type, String id, String user, long t) {
        PulseEvent e = new PulseEvent();
        e.type = type;
        e.eventId = id;
        e.userId = user;
        e.eventTime = t;
        e.channel = "web";
        return e;
    }
}
