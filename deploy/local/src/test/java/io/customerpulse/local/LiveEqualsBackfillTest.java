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
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
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
            JobClock.awaitAllRead(flink, retention, published);
            JobClock.awaitAllRead(flink, reach, published);
            JobClock.awaitReached(flink, retention, newest);
            JobClock.awaitReached(flink, reach, newest);
            Tables.awaitStable(postgres.appTarget());
            flink.cancelAndWait(retention);
            flink.cancelAndWait(reach);
        }
        Map<String, Set<String>> lateIds = lateEventIdsByJob();

        // Backfill: the same history, minus what each live job refused as late, twice: with the
        // default sort memory, where the history's sorts stay in memory, and with the least
        // allowed, where they spill to disk and every record goes through its serializer's copy.
        JdbcTarget liveDb = postgres.appTarget();
        for (String sortMemory : List.of("64m", "1m")) {
            boolean spills = sortMemory.equals("1m");
            String suffix = spills ? "_spilled" : "";
            String retentionUrl = postgres.createDatabase("backfill_retention" + suffix);
            String reachUrl = postgres.createDatabase("backfill_reach" + suffix);
            Path spillDirectory = STACK.directory("spill-" + sortMemory);
            List<String> memory = List.of("--sort-memory", sortMemory, "--spill-dir", spillDirectory.toString());
            try (SortSpills sortSpills = SortSpills.count(); WatchService watcher = FileSystems.getDefault().newWatchService()) {
                spillDirectory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
                backfill(history, lateIds.getOrDefault(RetentionJob.JOB_NAME, Set.of()), "retention", retentionUrl, memory, postgres);
                backfill(history, lateIds.getOrDefault(ReachJob.JOB_NAME, Set.of()), "reach", reachUrl, memory, postgres);
                assertThat(sortSpills.spilled() > 0).as("sorts spilled with --sort-memory %s", sortMemory).isEqualTo(spills);
                // Flink's spill files live in a directory it creates in each of io.tmp.dirs (and deletes at its end).
                WatchKey created = watcher.poll();
                assertThat(created).as("Flink made its spilling directory in --spill-dir").isNotNull();
                assertThat(created.pollEvents()).anyMatch(e -> e.context().toString().startsWith("flink-io-"));
            }
            JdbcTarget retentionDb = new JdbcTarget(retentionUrl, LocalPostgres.APP_USER, liveDb.password());
            JdbcTarget reachDb = new JdbcTarget(reachUrl, LocalPostgres.APP_USER, liveDb.password());
            Tables.assertSameTables(Tables.RETENTION, liveDb, retentionDb);
            Tables.assertSameTables(Tables.REACH, liveDb, reachDb);
        }

        // The history really had all of it.
        assertThat(Tables.dump(liveDb, "SELECT DISTINCT status FROM user_retention ORDER BY 1")).hasSize(6);
        assertThat(Tables.dump(liveDb, "SELECT max(cascade_depth) >= 3 FROM wom_reach")).containsExactly("t");
        assertThat(history).anyMatch(r -> r.kind() == NoisyTraffic.Kind.DUPLICATE);
        assertThat(lateIds.values().stream().mapToInt(Set::size).sum()).isPositive();
        assertThat(history).anyMatch(r -> r.kind() == NoisyTraffic.Kind.POISON);
    }

    private static <J extends PulseJob> J live(J job, LocalPostgres postgres) throws Exception {
        return STACK.liveJob(job, postgres.jdbcUrl(), job.jobName(), List.of("--allowed-lateness", "5m", "--idle-timeout", "3s",
                "--checkpoint-interval", "2s", "--flush-interval", "200ms", "--parallelism", "2"));
    }

    private static void backfill(List<NoisyTraffic.WireRecord> history, Set<String> refusedAsLate, String only,
                                 String jdbcUrl, List<String> options, LocalPostgres postgres) throws Exception {
        Path file = STACK.directory("history-" + only).resolve("history.jsonl.gz");
        EventCodec codec = new EventCodec();
        try (HistoryWriter writer = new HistoryWriter(file)) {
            for (NoisyTraffic.WireRecord r : history) {
                String line = GenerateCommand.toLine(r, codec);
                String id = eventId(r, codec); // null for a poison record: never refused as late
                if (id == null || !refusedAsLate.contains(id)) {
                    writer.writeRaw(line);
                }
            }
        }
        BackfillCommand command = new BackfillCommand();
        List<String> args = new ArrayList<>(List.of("--input", file.toString(), "--only", only,
                "--jdbc-url", jdbcUrl, "--jdbc-user", LocalPostgres.APP_USER,
                "--dead-letters", Files.createTempDirectory(STACK.directory("dead-letters"), only + "-").toString(), "--parallelism", "2"));
        args.addAll(options);
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
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
}
