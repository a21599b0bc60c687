package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.cli.PulseJob;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.history.HistoryWriter;
import io.customerpulse.ingest.DeadLetterKafkaSerializer;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.sink.JdbcTarget;

import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The promise of backfills: one generated history (tens of thousands of events with every status,
 * cascades, duplicates, out-of-order arrival, late and bad records) replayed through Kafka into the
 * live jobs, and the same history through ./pulse backfill, give the same tables row by row. The
 * one documented difference, events a live job refused as later than the allowed lateness, is
 * taken out of each job's backfill input.
 */
class LiveEqualsBackfillTest {
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(2);

    private static final Duration LATENESS = Duration.ofMinutes(5);
    private static final List<String> RETENTION_TABLES = List.of(
            "SELECT * FROM user_retention ORDER BY user_id",
            "SELECT user_id, from_status, to_status, transition_at FROM retention_transitions ORDER BY user_id, transition_at, to_status",
            "SELECT * FROM retention_cohorts ORDER BY cohort_day, acquisition_channel, day_n");
    private static final List<String> REACH_TABLES = List.of(
            "SELECT * FROM wom_reach ORDER BY user_id",
            "SELECT * FROM wom_daily ORDER BY day, channel");

    @Test
    void theSameEventsGiveTheSameTables() throws Exception {
        LocalPostgres postgres = STACK.postgres();
        long start = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        NoisyTraffic.Noise noise = new NoisyTraffic.Noise(0.05, 120_000, 0.01, 0.003, Duration.ofDays(2).toMillis(),
                0.002, 0.2, 240_000);
        NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(21, start, 12), 21, noise);
        List<NoisyTraffic.WireRecord> history = new ArrayList<>();
        traffic.emitUntil(start + Duration.ofDays(120).toMillis(), Integer.MAX_VALUE, history::add);
        assertThat(history).hasSizeBetween(20_000, 80_000);
        long newest = history.stream().filter(r -> r.kind() != NoisyTraffic.Kind.POISON)
                .mapToLong(NoisyTraffic.WireRecord::eventTime).max().orElseThrow();

        // Live: the history through Kafka, then a later event that moves the clock to exactly the newest event.
        try (EventPublisher publisher = new EventPublisher(STACK.kafka().bootstrapServers(), LocalStackExtension.TOPICS,
                new Properties())) {
            history.forEach(publisher::publish);
            PulseEvent clock = new PulseEvent();
            clock.type = EventType.CLICK;
            clock.eventId = "clock";
            clock.userId = "~clock";
            clock.eventTime = newest + LATENESS.toMillis() + 1;
            clock.channel = "web";
            clock.page = "/";
            publisher.publish(clock);
        }
        long published = history.size() + 1;
        try (LocalFlink flink = LocalFlink.start(4)) {
            JobID retention = flink.submit(live(new RetentionJob(), postgres));
            JobID reach = flink.submit(live(new ReachJob(), postgres));
            awaitAllRead(flink, retention, published);
            awaitAllRead(flink, reach, published);
            awaitStable(postgres.appTarget());
            flink.cancelAndWait(retention);
            flink.cancelAndWait(reach);
        }
        Map<String, Set<String>> lateIds = lateEventIdsByJob();

        // Backfill: the same history, minus what each live job refused as late.
        String retentionUrl = postgres.createDatabase("backfill_retention");
        String reachUrl = postgres.createDatabase("backfill_reach");
        backfill(history, lateIds.getOrDefault(RetentionJob.JOB_NAME, Set.of()), "retention", retentionUrl, postgres);
        backfill(history, lateIds.getOrDefault(ReachJob.JOB_NAME, Set.of()), "reach", reachUrl, postgres);

        JdbcTarget liveDb = postgres.appTarget();
        JdbcTarget retentionDb = new JdbcTarget(retentionUrl, LocalPostgres.APP_USER, liveDb.password());
        JdbcTarget reachDb = new JdbcTarget(reachUrl, LocalPostgres.APP_USER, liveDb.password());
        for (String table : RETENTION_TABLES) {
            assertSameRows(table, dump(liveDb, table), dump(retentionDb, table));
        }
        for (String table : REACH_TABLES) {
            assertSameRows(table, dump(liveDb, table), dump(reachDb, table));
        }

        // The history really had all of it.
        assertThat(dump(liveDb, "SELECT DISTINCT status FROM user_retention ORDER BY 1")).hasSize(6);
        assertThat(dump(liveDb, "SELECT max(cascade_depth) >= 3 FROM wom_reach")).containsExactly("t");
        assertThat(history).anyMatch(r -> r.kind() == NoisyTraffic.Kind.DUPLICATE);
        assertThat(lateIds.values().stream().mapToInt(Set::size).sum()).isPositive();
        assertThat(history).anyMatch(r -> r.kind() == NoisyTraffic.Kind.POISON);
    }

    private static void assertSameRows(String table, List<String> live, List<String> backfill) {
        assertThat(live).as(table).hasSizeGreaterThan(10);
        List<String> onlyLive = new ArrayList<>(live);
        onlyLive.removeAll(new HashSet<>(backfill));
        List<String> onlyBackfill = new ArrayList<>(backfill);
        onlyBackfill.removeAll(new HashSet<>(live));
        assertThat(onlyLive).as("%s: rows only live (%d rows live, %d backfilled); only in the backfill: %s",
                table, live.size(), backfill.size(), onlyBackfill.stream().limit(20).toList()).isEmpty();
        assertThat(onlyBackfill).as("%s: rows only in the backfill", table).isEmpty();
        assertThat(backfill).as(table).containsExactlyElementsOf(live);
    }

    private static <J extends PulseJob> J live(J job, LocalPostgres postgres) throws Exception {
        new CommandLine(job).parseArgs(
                "--bootstrap-servers", STACK.kafka().bootstrapServers(),
                "--jdbc-url", postgres.jdbcUrl(), "--jdbc-user", LocalPostgres.APP_USER,
                "--allowed-lateness", "5m", "--idle-timeout", "3s",
                "--checkpoint-interval", "2s", "--checkpoint-dir", STACK.directory("checkpoints").toUri().toString(),
                "--flush-interval", "200ms", "--parallelism", "2");
        job.jdbc.password = postgres.appTarget().password();
        return job;
    }

    private static void backfill(List<NoisyTraffic.WireRecord> history, Set<String> refusedAsLate, String only,
                                 String jdbcUrl, LocalPostgres postgres) throws Exception {
        Path file = STACK.directory("history-" + only).resolve("history.jsonl.gz");
        EventCodec codec = new EventCodec();
        try (HistoryWriter writer = new HistoryWriter(file)) {
            for (NoisyTraffic.WireRecord r : history) {
                String line = GenerateCommand.toLine(r, codec);
                if (!refusedAsLate.contains(eventId(r, codec))) {
                    writer.writeRaw(line);
                }
            }
        }
        BackfillCommand command = new BackfillCommand();
        new CommandLine(command).parseArgs("--input", file.toString(), "--only", only,
                "--jdbc-url", jdbcUrl, "--jdbc-user", LocalPostgres.APP_USER,
                "--dead-letters", STACK.directory("dead-letters-" + only).toString(), "--parallelism", "2");
        command.jdbc.password = postgres.appTarget().password();
        assertThat(command.call()).isZero();
    }

    private static String eventId(NoisyTraffic.WireRecord r, EventCodec codec) {
        try {
            return EventMapper.toPulseEvent(codec.decode(r.type(), r.value())).eventId;
        } catch (EventCodec.DecodeException garbage) {
            return null;
        }
    }

    /** event_id of every record each live job dead-lettered as late (key: the job, from the payload's topic run). */
    private static Map<String, Set<String>> lateEventIdsByJob() throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "late-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Set<String>> late = new java.util.HashMap<>();
        EventCodec codec = new EventCodec();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(LocalStackExtension.TOPICS.deadLetters()));
            int emptyPolls = 0;
            while (emptyPolls < 4) {
                var records = consumer.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if ("late_event".equals(header(r, DeadLetterKafkaSerializer.REASON))) {
                        EventType type = LocalStackExtension.TOPICS.typeOf(header(r, DeadLetterKafkaSerializer.SOURCE_TOPIC));
                        String id = EventMapper.toPulseEvent(codec.decode(type, r.value())).eventId;
                        late.computeIfAbsent(header(r, DeadLetterKafkaSerializer.JOB), k -> new HashSet<>()).add(id);
                    }
                }
            }
        }
        return late;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void awaitAllRead(LocalFlink flink, JobID job, long published) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            Object read = flink.accumulators(job).get(IngestRouter.RECORDS_READ);
            if (read instanceof Number n && n.longValue() >= published) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Job " + job + " did not read all " + published + " records");
    }

    /** Waits until the idle partitions let the clock reach the end and every row is flushed. */
    private static void awaitStable(JdbcTarget db) throws Exception {
        String fingerprint = "";
        int stableChecks = 0;
        long deadline = System.currentTimeMillis() + 120_000;
        while (stableChecks < 8 && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            String now = String.join("|", dump(db, """
                    SELECT (SELECT count(*) FROM user_retention) || '/' || (SELECT count(*) FROM retention_transitions)
                    || '/' || (SELECT coalesce(max(as_of)::text, '') FROM user_retention)
                    || '/' || (SELECT coalesce(sum(cascade_reach), 0) FROM wom_reach)
                    || '/' || (SELECT coalesce(sum(touches), 0) FROM wom_daily)"""));
            stableChecks = now.equals(fingerprint) ? stableChecks + 1 : 0;
            fingerprint = now;
        }
    }

    private static List<String> dump(JdbcTarget db, String sql) throws SQLException {
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
}
