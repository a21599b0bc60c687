package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.sink.JdbcTarget;

import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Idle input, on a real broker with two partitions per topic and every event written to partition
 * 0 of the clicks topic, so five of the six partitions never say a word. Two retention jobs read the
 * same topics: one with the default clock, one with a 2 s wall-clock heartbeat.
 * <ol>
 *   <li>Silent partitions do not stall statuses: a user with a daily rhythm (risk_after = 3 x 1 day)
 *       goes at_risk at exactly last activity + 3 days in both jobs, once a later event moves the
 *       clock past it.
 *   <li>All input silent: a live user whose "new" period ends a few seconds after the last event
 *       arrived becomes active on time, at the exact instant, only in the job with the heartbeat;
 *       the other job's clock stands still, as the README documents.
 * </ol>
 */
class IdleInputTest {
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(2);

    private static final Instant DAY1 = Instant.parse("2025-03-01T12:00:00Z");
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    @Test
    void silentPartitionsDoNotStallStatusesAndTheHeartbeatKeepsTimeMovingWhenAllIsSilent() throws Exception {
        LocalPostgres postgres = STACK.postgres();
        String plainUrl = postgres.createDatabase("idle_plain");
        String heartbeatUrl = postgres.createDatabase("idle_heartbeat");
        JdbcTarget app = postgres.appTarget();
        JdbcTarget plainDb = new JdbcTarget(plainUrl, LocalPostgres.APP_USER, app.password());
        JdbcTarget heartbeatDb = new JdbcTarget(heartbeatUrl, LocalPostgres.APP_USER, app.password());

        try (LocalFlink flink = LocalFlink.start(2);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            flink.submit(job(plainUrl, "idle-plain", List.of()));
            flink.submit(job(heartbeatUrl, "idle-heartbeat", List.of("--wall-clock-heartbeat", "2s")));

            // 1. History on one partition only: a daily rhythm on days 1..5, then someone else on day 9.
            for (int day = 0; day < 5; day++) {
                send(producer, click("rhythm", "r" + day, DAY1.toEpochMilli() + day * DAY_MS));
            }
            send(producer, click("someone", "s1", DAY1.toEpochMilli() + 8 * DAY_MS));
            long atRiskAt = DAY1.toEpochMilli() + 4 * DAY_MS + 3 * DAY_MS;
            for (JdbcTarget db : List.of(plainDb, heartbeatDb)) {
                awaitRow(db, "SELECT count(*) FROM retention_transitions WHERE user_id = 'rhythm' AND to_status = 'at_risk'"
                        + " AND transition_at = to_timestamp(" + atRiskAt + " / 1000.0)", "1");
            }

            // 2. Live traffic, then silence: "quiet" was first seen (by a late-arriving but on-time
            //    record) 7 days minus 8 s before now, so it stops being new 8 s from now.
            long now = System.currentTimeMillis();
            long quietFirstSeen = now - 7 * DAY_MS + 8_000;
            send(producer, click("quiet", "q1", quietFirstSeen));
            send(producer, click("pulse", "p1", now));
            long activeAt = quietFirstSeen + 7 * DAY_MS;
            awaitRow(heartbeatDb, "SELECT count(*) FROM retention_transitions WHERE user_id = 'quiet' AND to_status = 'active'"
                    + " AND transition_at = to_timestamp(" + activeAt + " / 1000.0)", "1");
            assertThat(System.currentTimeMillis()).as("the heartbeat found it on time").isLessThan(activeAt + 30_000);

            // Without the heartbeat the clock stands at the newest event minus the lateness.
            awaitRow(plainDb, "SELECT status FROM user_retention WHERE user_id = 'quiet'", "new");
            Thread.sleep(Math.max(0, activeAt + 4_000 - System.currentTimeMillis()));
            assertThat(Tables.dump(plainDb, "SELECT status FROM user_retention WHERE user_id = 'quiet'")).containsExactly("new");
            assertThat(Tables.dump(plainDb, "SELECT count(*) FROM retention_transitions WHERE user_id = 'quiet'"))
                    .containsExactly("1");
        }
    }

    private static RetentionJob job(String jdbcUrl, String groupId, List<String> extra) throws Exception {
        List<String> options = new java.util.ArrayList<>(List.of("--allowed-lateness", "1s", "--idle-timeout", "2s",
                "--checkpoint-interval", "5s", "--flush-interval", "200ms", "--parallelism", "1"));
        options.addAll(extra);
        return STACK.liveJob(new RetentionJob(), jdbcUrl, groupId, options);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.kafka().bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Always partition 0 of the clicks topic: the other five partitions stay silent. */
    private static void send(KafkaProducer<byte[], byte[]> producer, PulseEvent e) throws Exception {
        producer.send(new ProducerRecord<>(LocalStackExtension.TOPICS.of(EventType.CLICK), 0, e.eventTime,
                e.userId.getBytes(StandardCharsets.UTF_8), EventCodec.encode(EventMapper.toAvro(e)))).get();
    }

    private static PulseEvent click(String user, String id, long time) {
        PulseEvent e = new PulseEvent();
        e.type = EventType.CLICK;
        e.eventId = id;
        e.userId = user;
        e.eventTime = time;
        e.channel = "app";
        e.page = "/home";
        return e;
    }

    private static void awaitRow(JdbcTarget db, String sql, String expected) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        List<String> last = List.of();
        while (System.currentTimeMillis() < deadline) {
            try {
                last = Tables.dump(db, sql);
                if (last.equals(List.of(expected))) {
                    return;
                }
            } catch (java.sql.SQLException tablesNotYetCreated) {
                last = List.of(tablesNotYetCreated.getMessage());
            }
            Thread.sleep(250);
        }
        throw new AssertionError(sql + " gave " + last + ", expected " + expected);
    }
}
