package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.ingest.DeadLetterKafkaSerializer;
import io.customerpulse.ingest.TopicNames;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.testing.ReportedCounters;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import picocli.CommandLine;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The retention job end to end: Avro events produced into a real Kafka broker, the job on a local
 * Flink with RocksDB, rows read back from a real PostgreSQL and compared with values worked out by
 * hand for a scripted customer (new, active, at_risk, dormant, resurrected, active, dormant), a
 * duplicate, a poison message and a late event on the dead-letter topic.
 */
class RetentionEndToEndTest {
    private static final Instant DAY0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(1);
    static LocalKafka kafka;
    static LocalPostgres postgres;

    @BeforeAll
    static void stack() {
        kafka = STACK.kafka();
        postgres = STACK.postgres();
    }

    private static long day(int d) {
        return DAY0.plus(Duration.ofDays(d)).toEpochMilli();
    }

    private static PulseEvent event(EventType type, String id, String user, long time, String channel) {
        PulseEvent e = new PulseEvent();
        e.type = type;
        e.eventId = id;
        e.userId = user;
        e.eventTime = time;
        e.channel = channel;
        e.page = "/home";
        e.shareId = type == EventType.SHARE ? "share-" + id : null;
        e.orderId = "o-" + id;
        e.currency = "CNY";
        return e;
    }

    private static PulseEvent purchase(String id, String user, long time, String channel, long cents) {
        PulseEvent e = event(EventType.PURCHASE, id, user, time, channel);
        e.amountMinor = cents;
        return e;
    }

    @Test
    void scriptedCustomerEndToEnd() throws Exception {
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), TOPICS, new Properties())) {
            publisher.publish(event(EventType.CLICK, "e1", "u-1", day(0), "app"));
            publisher.publish(purchase("e2", "u-1", day(3), "web", 12000));
            publisher.publish(event(EventType.SHARE, "e3", "u-1", day(6), "app"));
            publisher.publish(purchase("e4", "u-1", day(50), "store", 8050));
            publisher.publish(purchase("e4", "u-1", day(50), "store", 8050)); // at-least-once duplicate
            publisher.publish(EventType.PURCHASE, "u-1".getBytes(), "poison!".getBytes(StandardCharsets.UTF_8));
            // Another user far ahead moves the event-time clock to day 120.
            publisher.publish(event(EventType.CLICK, "c1", "clock", day(120), "web"));
            publisher.flush();
        }

        RetentionJob job = new RetentionJob();
        new CommandLine(job).parseArgs(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--jdbc-url", postgres.jdbcUrl(), "--jdbc-user", LocalPostgres.APP_USER,
                "--allowed-lateness", "1m", "--idle-timeout", "3s",
                "--checkpoint-interval", "1s", "--checkpoint-dir", STACK.directory("checkpoints").toUri().toString(),
                "--flush-interval", "200ms", "--parallelism", "1");
        job.jdbc.password = postgres.appTarget().password();
        InMemoryReporter metrics = InMemoryReporter.create();
        JobClient client = job.start(StreamExecutionEnvironment.createLocalEnvironment(
                metrics.addToConfiguration(job.job.flinkConfiguration(RetentionJob.JOB_NAME))));
        try {
            // u-1's last change before day 120 is dormant at day 80 10:00.
            awaitRow("SELECT 1 FROM user_retention WHERE user_id = 'u-1' AND status = 'dormant' AND as_of = '"
                    + Instant.ofEpochMilli(day(80)) + "'");
            // Each table has its own sink: no order between them is promised.
            awaitRow("SELECT 1 FROM retention_cohorts WHERE cohort_day = DATE '2025-01-01' AND day_n = 50");
            awaitRow("SELECT 1 FROM retention_transitions WHERE user_id = 'u-1' AND to_status = 'dormant' AND transition_at = '"
                    + Instant.ofEpochMilli(day(80)) + "'");
            assertUserRow();
            assertTransitions();
            assertCohorts();
            assertReaderSeesViews();

            // Now an event from day 10 arrives: far behind the clock, it is late.
            try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), TOPICS, new Properties())) {
                publisher.publish(event(EventType.CLICK, "late-1", "u-1", day(10), "web"));
            }
            List<ConsumerRecord<byte[], byte[]>> deadLetters = readDeadLetters(2);
            assertThat(deadLetters).extracting(r -> header(r, DeadLetterKafkaSerializer.REASON))
                    .containsExactly("undecodable", "late_event");
            ConsumerRecord<byte[], byte[]> poison = deadLetters.get(0);
            assertThat(new String(poison.value(), StandardCharsets.UTF_8)).isEqualTo("poison!");
            assertThat(header(poison, DeadLetterKafkaSerializer.SOURCE_TOPIC)).isEqualTo("purchases");
            assertThat(header(poison, DeadLetterKafkaSerializer.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(poison, DeadLetterKafkaSerializer.SOURCE_OFFSET)).isEqualTo("3"); // after e2, e4 and its duplicate
            assertThat(new String(poison.key(), StandardCharsets.UTF_8)).isEqualTo("u-1");

            // The metric operators watch counts each dead letter under its reason.
            assertThat(deadLettered(metrics, client, "undecodable", 1)).isEqualTo(1);
            assertThat(deadLettered(metrics, client, "late_event", 1)).isEqualTo(1);
            assertThat(deadLettered(metrics, client, "missing_field", 0)).isZero();

            // The late click did not count.
            try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT clicks FROM user_retention WHERE user_id = 'u-1'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        } finally {
            client.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The job's {@code deadLettered} counter of {@code reason} (summed over subtasks), given up to
     * 5 s to reach {@code expected}: counted before the dead letter was written, it is read here
     * from another thread.
     */
    private static long deadLettered(InMemoryReporter metrics, JobClient client, String reason, long expected)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (true) {
            long count = ReportedCounters.sum(metrics, client.getJobID(), "deadLettered", Map.of("<reason>", reason));
            if (count == expected || System.currentTimeMillis() >= deadline) {
                return count;
            }
            Thread.sleep(100);
        }
    }

    private void assertUserRow() throws SQLException {
        try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM user_retention WHERE user_id = 'u-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("status")).isEqualTo("dormant");
            assertThat(instant(rs, "first_seen_at")).isEqualTo(Instant.ofEpochMilli(day(0)));
            assertThat(instant(rs, "last_active_at")).isEqualTo(Instant.ofEpochMilli(day(50)));
            assertThat(instant(rs, "as_of")).isEqualTo(Instant.ofEpochMilli(day(80)));
            assertThat(rs.getString("acquisition_channel")).isEqualTo("app");
            assertThat(rs.getLong("clicks")).isEqualTo(1);
            assertThat(rs.getLong("shares")).isEqualTo(1);
            assertThat(rs.getLong("purchases")).isEqualTo(2); // the duplicate counted once
            assertThat(rs.getBigDecimal("revenue")).isEqualByComparingTo(new BigDecimal("200.50"));
            // purchase days 3 and 50: frequency 1, recency 47, age (day 80 - day 3) 77
            assertThat(rs.getInt("frequency")).isEqualTo(1);
            assertThat(rs.getInt("recency_days")).isEqualTo(47);
            assertThat(rs.getInt("age_days")).isEqualTo(77);
            // BG/NBD with the published CDNOW parameters (alpha in days), computed independently:
            assertThat(rs.getDouble("p_alive")).isCloseTo(0.671113109605637, within(1e-12));
            assertThat(rs.getDouble("expected_purchases_30d")).isCloseTo(0.219587724511474, within(1e-12));
            // active days 0, 3, 6, 50: mean gap 50/3 days, times 3 = 50, clamped to 30
            assertThat(rs.getDouble("risk_after_days")).isEqualTo(30.0);
            // 1 * .5^(80/7) + 5 * .5^(77/7) + 3 * .5^(74/7) + 5 * .5^(30/7)
            assertThat(rs.getDouble("activity_score")).isCloseTo(0.2611305300621845, within(1e-12));
        }
    }

    private void assertTransitions() throws SQLException {
        List<String> transitions = new ArrayList<>();
        try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT from_status, to_status, transition_at FROM retention_transitions "
                     + "WHERE user_id = 'u-1' ORDER BY transition_at, to_status")) {
            while (rs.next()) {
                transitions.add(rs.getString(1) + "->" + rs.getString(2) + "@" + instant(rs, "transition_at"));
            }
        }
        assertThat(transitions).containsExactly(
                "null->new@" + Instant.ofEpochMilli(day(0)),
                "new->active@" + Instant.ofEpochMilli(day(7)),
                // active days 0, 3, 6: mean gap 3, risk_after 9 days after day 6
                "active->at_risk@" + Instant.ofEpochMilli(day(15)),
                "at_risk->dormant@" + Instant.ofEpochMilli(day(36)),
                "dormant->resurrected@" + Instant.ofEpochMilli(day(50)),
                "resurrected->active@" + Instant.ofEpochMilli(day(57)),
                "active->dormant@" + Instant.ofEpochMilli(day(80)));
    }

    private void assertCohorts() throws SQLException {
        Map<Integer, String> curve = new java.util.TreeMap<>();
        try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT day_n, active_users, cohort_size FROM retention_cohorts "
                     + "WHERE cohort_day = DATE '2025-01-01' AND acquisition_channel = 'app'")) {
            while (rs.next()) {
                curve.put(rs.getInt(1), rs.getLong(2) + "/" + rs.getLong(3));
            }
        }
        assertThat(curve).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(0, "1/1", 3, "1/1", 6, "1/1", 50, "1/1")));
    }

    private void assertReaderSeesViews() throws SQLException {
        try (Connection c = postgres.readerTarget().connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT retention_pct FROM cohort_retention_pct WHERE day_n = 50")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("100.00");
            }
            try (ResultSet rs = s.executeQuery("SELECT users FROM status_by_channel WHERE acquisition_channel = 'app' AND status = 'dormant'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM winback_candidates")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero(); // u-1 is dormant, not at risk
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.execute("DELETE FROM user_retention"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
    }

    private static void awaitRow(String sql) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                if (rs.next()) {
                    return;
                }
            } catch (SQLException tablesNotYetThere) {
                // the job creates them at start
            }
            Thread.sleep(250);
        }
        StringBuilder rows = new StringBuilder();
        try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT user_id, status, as_of, clicks, purchases FROM user_retention ORDER BY user_id")) {
            while (rs.next()) {
                rows.append("\n  ").append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ')
                        .append(rs.getObject(3)).append(" clicks=").append(rs.getLong(4)).append(" purchases=").append(rs.getLong(5));
            }
        }
        throw new AssertionError("No row for: " + sql + "; user_retention holds:" + rows);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-dead-letter-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPICS.deadLetters()));
            long deadline = System.currentTimeMillis() + 90_000;
            while (records.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
