package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.events.avro.PurchaseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.ingest.DeadLetterKafkaSerializer;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.TopicNames;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.reach.ReachReference;
import io.customerpulse.reach.ReachSettings;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.retention.RetentionReference;
import io.customerpulse.retention.RetentionSettings;
import io.customerpulse.sink.JdbcTarget;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The jobs on the real local cluster (separate Kafka, PostgreSQL, JobManager and TaskManager
 * processes, started as `./pulse cluster start` starts them, in a temporary run directory), under
 * injected failures, against an oracle: a seeded history of over 200,000 events from over 1,000
 * users whose expected tables are computed independently of the jobs ({@link RetentionReference},
 * {@link ReachReference}) at the jobs' final event-time clock.
 *
 * <p>The history goes in four parts. Part 1: the TaskManager is killed (SIGKILL) right after a
 * completed checkpoint. Part 2: the jobs' PostgreSQL connections are terminated under load, then the
 * TaskManager is killed midway between two checkpoints. Both jobs are then stopped with a savepoint
 * and a changed build (a new optional field in the click schema) resumes them at parallelism 1.
 * Part 3, with clicks now written in the new schema: a third kill right after a checkpoint. Part 4
 * ends with a clock record on every partition that moves the event-time clock to exactly the
 * newest event. Then every table equals the oracle, each job restarted once per kill, and the
 * dead-letter topic holds every bad record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailureTest {
    private static final long START = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    private static final Duration LATENESS = Duration.ofMinutes(5);
    private static final long CHECKPOINT_MS = 3_000;
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;
    /**
     * The jobs' consumer groups are this run's own: the test decides the jobs have read everything
     * from their groups' committed offsets, which a stray job of an earlier run (left running on the
     * same default Kafka port) committing for the same group would satisfy too early.
     */
    private static final List<String> JOBS = List.of("retention", "reach");
    private final String groupPrefix = "cft-" + Long.toString(System.currentTimeMillis(), 36) + "-";

    private Path run;
    private LocalCluster cluster;
    /** What the second test published. */
    private History history;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @BeforeAll
    void startCluster() throws Exception {
        run = Files.createTempDirectory("pulse-cluster-test");
        System.setProperty("pulse.run", run.toString());
        cluster = LocalCluster.current();
        assertThat(cluster.directory().startsWith(run)).as("the cluster runs in %s", run).isTrue();
        cluster.start(1, out);
    }

    @AfterAll
    void stopCluster() {
        try {
            if (cluster != null) {
                cluster.stop(out);
            }
        } finally {
            System.clearProperty("pulse.run");
            System.out.println(console.toString(StandardCharsets.UTF_8));
            keepLogs();
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(run.toFile());
        }
    }

    /** The cluster's logs outlive the temporary run directory, for a look after a failure. */
    private void keepLogs() {
        try {
            Path kept = Path.of("target", "cluster-test-logs");
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(kept.toFile());
            org.apache.flink.util.FileUtils.copy(new org.apache.flink.core.fs.Path(cluster.logDirectory().toUri()),
                    new org.apache.flink.core.fs.Path(kept.toAbsolutePath().toUri()), false);
        } catch (Exception e) {
            System.out.println("Could not keep the cluster's logs: " + e);
        }
    }

    @Test
    @Order(1)
    void startIsIdempotentAndReplacesADeadTaskManager() throws Exception {
        assertThat(cluster.isRunning()).isTrue();
        String addresses = console.toString(StandardCharsets.UTF_8);
        assertThat(addresses).contains("Kafka bootstrap servers : localhost:" + cluster.ports().kafka())
                .contains("JDBC URL                : jdbc:postgresql://127.0.0.1:" + cluster.ports().postgres())
                .contains("Flink web UI and REST   : http://localhost:" + cluster.ports().flinkRest());
        Map<String, Long> pids = pids();
        assertThat(pids).containsOnlyKeys("kafka", "postgres", "jobmanager", "taskmanager-1");

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        cluster.start(null, new PrintStream(again, true, StandardCharsets.UTF_8));
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("kafka          already running")
                .contains("taskmanager-1  already running").doesNotContain(" started");
        assertThat(pids()).isEqualTo(pids);

        killTaskManager();
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        cluster.status(new PrintStream(status, true, StandardCharsets.UTF_8));
        assertThat(status.toString(StandardCharsets.UTF_8)).contains("taskmanager-1  not running")
                .contains("jobmanager     running (pid " + pids.get("jobmanager") + ")");
        cluster.start(null, out);
        Map<String, Long> after = pids();
        assertThat(after.get("taskmanager-1")).isNotEqualTo(pids.get("taskmanager-1"));
        assertThat(after).containsEntry("kafka", pids.get("kafka")).containsEntry("jobmanager", pids.get("jobmanager"));
        assertThat(FlinkRest.registeredTaskManagerIds(cluster.restAddress())).anyMatch(id -> id.startsWith("taskmanager-1-"));
        // Logs and pid files live under the run directory.
        assertThat(cluster.logDirectory().resolve("jobmanager.log")).exists();
        assertThat(run.resolve("cluster/pids/taskmanager-1.pid")).exists();
    }

    @Test
    @Order(2)
    void killsConnectionLossAndAnUpgradeFromASavepointLeaveTablesEqualToTheOracle() throws Exception {
        history = History.generate();
        assertThat(history.records).hasSizeGreaterThan(200_000);
        assertThat(history.users()).isGreaterThan(1_000);
        List<List<NoisyTraffic.WireRecord>> parts = history.parts(4);
        JdbcTarget db = cluster.appTarget();

        // Part 1: both jobs, a kill right after a checkpoint.
        publish(parts.get(0));
        Map<String, String> jobIds = new HashMap<>();
        jobIds.put("retention", submit("retention", null, null, "2"));
        jobIds.put("reach", submit("reach", null, null, "2"));
        awaitRunning(jobIds.values());
        awaitCheckpointAfter(jobIds.values(), completedCheckpoints(jobIds.values()));
        awaitNextCheckpoint(jobIds.get("retention"));
        killTaskManagerDuringProcessing();
        cluster.start(null, out);
        awaitRestarted(jobIds.values(), 1);

        // Part 2: connections terminated under load, then a kill midway between two checkpoints.
        publish(parts.get(1));
        // In quick succession, so that reconnections are themselves cut off while they start.
        for (int i = 0; i < 8; i++) {
            Thread.sleep(i == 0 ? 700 : 150);
            terminateConnections(db);
        }
        awaitNextCheckpoint(jobIds.get("retention"));
        Thread.sleep(CHECKPOINT_MS / 2);
        killTaskManagerDuringProcessing();
        cluster.start(null, out);
        awaitRestarted(jobIds.values(), 2);
        awaitDrained();
        Map<String, Integer> restartsOfFirstRun = new HashMap<>();
        for (var job : jobIds.entrySet()) {
            restartsOfFirstRun.put(job.getKey(), restarts(job.getValue()));
        }

        // Halfway: stop with savepoints, resume a changed build at parallelism 1.
        Path changedBuild = changedBuild();
        for (String job : JOBS) {
            CancelCommand cancel = new CancelCommand();
            cancel.out = out;
            assertThat(new CommandLine(cancel).execute(job, "--savepoint")).as("stop %s with a savepoint", job).isZero();
            assertThat(cancel.savepointPath).isNotBlank();
            jobIds.put(job, submit(job, "last", changedBuild, "1"));
        }
        awaitRunning(jobIds.values());

        // Part 3: clicks in the new schema version, a kill right after a checkpoint.
        publish(ClickSchemaV2.reencodeClicks(parts.get(2)));
        awaitCheckpointAfter(jobIds.values(), completedCheckpoints(jobIds.values()));
        awaitNextCheckpoint(jobIds.get("retention"));
        killTaskManagerDuringProcessing();
        cluster.start(null, out);
        awaitRestarted(jobIds.values(), 1);

        // Part 4, then the clock: every partition moves the event-time clock to the newest event.
        publish(ClickSchemaV2.reencodeClicks(parts.get(3)));
        publishClocks(history.newest + LATENESS.toMillis() + 1);
        awaitDrained();
        Tables.awaitStable(db);

        // Restarts: one per kill (the first run saw two, the resumed run one); none from the lost connections.
        for (var job : jobIds.entrySet()) {
            assertThat(restartsOfFirstRun.get(job.getKey()) + restarts(job.getValue()))
                    .as("restarts of %s: %s", job.getKey(), diagnostics(job.getValue())).isEqualTo(3);
        }

        // Every table equals the oracle at the jobs' final clock: the newest event.
        RetentionReference.Result retention = new RetentionReference(RetentionSettings.defaults())
                .compute(history.admitted, history.newest);
        Tables.assertSameRows("user_retention", retention.userRetention(), CanonicalTables.userRetention(db));
        Tables.assertSameRows("retention_transitions", retention.transitions(), CanonicalTables.transitions(db));
        Tables.assertSameRows("retention_cohorts", retention.cohorts(), CanonicalTables.cohorts(db));
        ReachReference.Result reach = new ReachReference(ReachSettings.defaults()).compute(history.admitted);
        Tables.assertSameRows("wom_reach", List.copyOf(reach.reachRows().values()),
                List.copyOf(CanonicalTables.womReach(db).values()));
        Tables.assertSameRows("wom_daily", List.copyOf(reach.dailyRows().values()),
                List.copyOf(CanonicalTables.womDaily(db).values()));
        assertThat(Tables.dump(db, "SELECT DISTINCT status FROM user_retention ORDER BY 1")).hasSize(6);

        // The dead-letter topic holds every bad record, for each job.
        Map<String, Set<String>> deadLetters = deadLettersByJob();
        for (String job : List.of(RetentionJob.JOB_NAME, ReachJob.JOB_NAME)) {
            assertThat(deadLetters.getOrDefault(job, Set.of())).as("dead letters of %s", job)
                    .containsAll(history.badRecords);
        }

        // The database password is nowhere a user or an operator could read it.
        String password = db.password();
        for (String job : jobIds.values()) {
            assertThat(FlinkRest.get(cluster.restAddress(), "/jobs/" + job + "/config").toString()).doesNotContain(password);
        }
        try (var logs = Files.walk(cluster.logDirectory())) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(log, StandardCharsets.ISO_8859_1)).as("log %s", log).doesNotContain(password);
            }
        }
        ProcessHandle.allProcesses().forEach(p -> assertThat(p.info().commandLine().orElse(""))
                .as("command line of pid %d", p.pid()).doesNotContain(password));

        // The metrics reach Prometheus through the cluster's reporter.
        String scraped = scrapePrometheus();
        assertThat(scraped).contains("eventsIn").contains("event_type=\"click\"").contains("deadLettered")
                .contains("rowsWritten").contains("table=\"user_retention\"").contains("transitions");
    }

    @Test
    @Order(3)
    void sqlOnTheClusterCountsEveryDecodablePurchase() throws Exception {
        // ./pulse sql --on-cluster: the query runs as a job of the cluster, whose classpath is a
        // distribution's lib/, with the job jar shipped by the client for the format and Kafka.
        // Its rows are every purchase record that is Avro single-object encoded: the poison the
        // jobs refuse (a negative amount, a blank user) counts, garbage bytes are skipped.
        EventCodec codec = new EventCodec();
        long purchases = LocalCluster.TOPIC_PARTITIONS; // the clock's purchases, 1.00 each
        BigDecimal revenue = BigDecimal.valueOf(LocalCluster.TOPIC_PARTITIONS * 100L, 2);
        for (NoisyTraffic.WireRecord r : history.records()) {
            if (r.type() != EventType.PURCHASE) {
                continue;
            }
            try {
                revenue = revenue.add(((PurchaseEvent) codec.decode(EventType.PURCHASE, r.value())).getAmount());
                purchases++;
            } catch (EventCodec.DecodeException garbage) {
                // not a row of the table either
            }
        }
        Path report = run.resolve("purchases.sql");
        Files.writeString(report, """
                SET 'sql-client.execution.result-mode' = 'tableau';
                SET 'execution.runtime-mode' = 'batch';
                SELECT COUNT(*) AS purchases, SUM(amount) AS revenue FROM purchases;
                """);
        SqlCommand sql = new SqlCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        sql.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exitCode = new CommandLine(sql).execute("--on-cluster", "--bounded", "--file", report.toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(output).isZero();
        assertThat(TableauTables.in(output)).as(output)
                .containsExactly(List.of(Map.of("purchases", Long.toString(purchases), "revenue", revenue.toPlainString())));
        assertThat(FlinkRest.jobs(cluster.restAddress())).as("the cluster's jobs")
                .anyMatch(job -> job.state().equals("FINISHED") && job.name().startsWith("SELECT COUNT(*)"));
    }

    @Test
    @Order(4)
    void backfillFromKafkaReadsTheClustersBrokerWithoutBeingToldWhere() throws Exception {
        // ./pulse backfill --from-kafka without --bootstrap-servers reads the running local cluster's
        // broker, as it writes to the cluster's PostgreSQL then; no broker listens at the jobs'
        // default, localhost:9092. Every record in the event topics is read (the topics keep all).
        long inTopics;
        try (Admin admin = admin()) {
            inTopics = endOffsets(admin).values().stream().mapToLong(Long::longValue).sum();
        }
        BackfillCommand backfill = new BackfillCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        backfill.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exitCode = new CommandLine(backfill).execute("--from-kafka", "--only", "retention",
                "--dead-letters", run.resolve("backfill-dead-letters").toString());
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(output).isZero();
        assertThat(output).contains("Writing to the local cluster's PostgreSQL")
                .containsPattern("records read\\s+" + String.format("%,d", inTopics) + "\\b");
    }

    @Test
    @Order(5)
    void stopStopsEverything() throws Exception {
        cluster.start(null, out); // whatever the tests before left behind
        ByteArrayOutputStream stopped = new ByteArrayOutputStream();
        cluster.stop(new PrintStream(stopped, true, StandardCharsets.UTF_8));
        assertThat(stopped.toString(StandardCharsets.UTF_8)).contains("taskmanager-1  stopped", "jobmanager     stopped",
                "kafka          stopped", "postgres       stopped");
        assertThat(pids()).isEmpty();
        assertThat(cluster.isRunning()).isFalse();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        cluster.stop(new PrintStream(again, true, StandardCharsets.UTF_8));
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("kafka          was not running");
    }

    // ---- the history and its oracle inputs ----

    /** Seeded traffic with duplicates, reordering within the lateness and poison records; no late events. */
    private record History(List<NoisyTraffic.WireRecord> records, List<PulseEvent> admitted, Set<String> badRecords,
                           long newest) {
        static History generate() throws Exception {
            NoisyTraffic.Noise noise = new NoisyTraffic.Noise(0.05, 120_000, 0.01, 0, 0, 0.002, 0.2, 240_000);
            NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(5, START, 30), 5, noise);
            List<NoisyTraffic.WireRecord> records = new ArrayList<>();
            traffic.emitUntil(START + Duration.ofDays(200).toMillis(), 230_000, records::add);
            // The jobs' own decoding fills in the reporting-currency value; what it refuses must be exactly the poison.
            EventDecoder decoder = new EventDecoder(new EventValidator(EventValidator.DEFAULT_EARLIEST,
                    EventValidator.DEFAULT_MAX_AHEAD, new CurrencyConverter("CNY", Map.of())));
            List<PulseEvent> admitted = new ArrayList<>();
            Set<String> bad = new HashSet<>();
            long newest = Long.MIN_VALUE;
            long offset = 0;
            for (NoisyTraffic.WireRecord r : records) {
                IngestRecord decoded = decoder.decode(r.type(), r.key(), r.value(), TOPICS.of(r.type()), 0, offset++,
                        System.currentTimeMillis());
                assertThat(decoded.isEvent()).as("decoded %s", r.kind()).isEqualTo(r.kind() != NoisyTraffic.Kind.POISON);
                if (!decoded.isEvent()) {
                    bad.add(Base64.getEncoder().encodeToString(r.value()));
                    continue;
                }
                admitted.add(decoded.event);
                newest = Math.max(newest, decoded.event.eventTime);
            }
            return new History(records, admitted, bad, newest);
        }

        long users() {
            return admitted.stream().map(e -> e.userId).distinct().count();
        }

        List<List<NoisyTraffic.WireRecord>> parts(int n) {
            List<List<NoisyTraffic.WireRecord>> parts = new ArrayList<>();
            int size = (records.size() + n - 1) / n;
            for (int i = 0; i < records.size(); i += size) {
                parts.add(records.subList(i, Math.min(records.size(), i + size)));
            }
            return parts;
        }
    }

    /** The changed build's click schema: v1 plus an optional field, as a producer upgrade adds it. */
    private static final class ClickSchemaV2 {
        static final Schema SCHEMA = create();
        private static final GenericData MODEL = new GenericData();

        static {
            MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        }

        private static Schema create() {
            try {
                Schema v1 = new Schema.Parser().parse(PulseHome.repository().resolve("schemas/ClickEvent.avsc").toFile());
                List<Schema.Field> fields = new ArrayList<>();
                for (Schema.Field f : v1.getFields()) {
                    fields.add(new Schema.Field(f, f.schema()));
                }
                fields.add(new Schema.Field("campaign", Schema.createUnion(Schema.create(Schema.Type.NULL),
                        Schema.create(Schema.Type.STRING)), "Campaign the click belongs to (added in v2).", JsonProperties.NULL_VALUE));
                return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static List<NoisyTraffic.WireRecord> reencodeClicks(List<NoisyTraffic.WireRecord> records) throws Exception {
            EventCodec codec = new EventCodec();
            BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(MODEL, SCHEMA);
            List<NoisyTraffic.WireRecord> out = new ArrayList<>(records.size());
            for (NoisyTraffic.WireRecord r : records) {
                if (r.type() != EventType.CLICK || r.kind() == NoisyTraffic.Kind.POISON) {
                    out.add(r);
                    continue;
                }
                SpecificRecord v1 = codec.decode(EventType.CLICK, r.value());
                GenericRecord v2 = new GenericData.Record(SCHEMA);
                for (Schema.Field f : v1.getSchema().getFields()) {
                    v2.put(f.name(), v1.get(f.pos()));
                }
                v2.put("campaign", "spring-" + (r.eventTime() % 3));
                ByteBuffer encoded = encoder.encode(v2);
                byte[] bytes = new byte[encoded.remaining()];
                encoded.get(bytes);
                out.add(new NoisyTraffic.WireRecord(r.type(), r.key(), bytes, r.eventTime(), r.kind()));
            }
            return out;
        }
    }

    /** The job jar with one change: the click schema v2 among the versions it reads. */
    private Path changedBuild() throws Exception {
        Path jar = run.resolve("pulse-jobs-changed.jar");
        Files.copy(FlinkClient.jobJar(PulseHome.repository()), jar, StandardCopyOption.REPLACE_EXISTING);
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Files.writeString(zip.getPath("schemas/history/ClickEvent.v2.avsc"), ClickSchemaV2.SCHEMA.toString(true));
            Files.writeString(zip.getPath("schemas/history/versions.txt"), "ClickEvent.v2.avsc\n", StandardOpenOption.APPEND);
        }
        return jar;
    }

    // ---- Kafka ----

    private void publish(List<NoisyTraffic.WireRecord> records) {
        try (EventPublisher publisher = new EventPublisher(cluster.kafkaBootstrapServers(), TOPICS, new Properties())) {
            records.forEach(publisher::publish);
            publisher.flush();
        }
    }

    /** One event per partition of every topic at {@code time}, so no partition holds the clock back. */
    private void publishClocks(long time) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (EventType type : EventType.values()) {
                for (int partition = 0; partition < LocalCluster.TOPIC_PARTITIONS; partition++) {
                    PulseEvent e = new PulseEvent();
                    e.type = type;
                    e.eventId = "clock-" + type + "-" + partition;
                    e.userId = "~clock-" + type + "-" + partition;
                    e.eventTime = time;
                    e.channel = "web";
                    e.page = "/";
                    e.orderId = "clock";
                    e.amountMinor = 100;
                    e.currency = "CNY";
                    e.shareId = type == EventType.SHARE ? "clock-share-" + partition : null;
                    producer.send(new ProducerRecord<>(TOPICS.of(type), partition, time,
                            e.userId.getBytes(StandardCharsets.UTF_8), EventCodec.encode(EventMapper.toAvro(e)))).get();
                }
            }
        }
    }

    /** Until each job's consumer group has committed (at a checkpoint) every record of every partition. */
    private void awaitDrained() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> ends = endOffsets(admin);
            for (String group : JOBS.stream().map(this::groupOf).toList()) {
                await("group " + group + " to commit offsets " + ends, Duration.ofMinutes(4), () -> {
                    try {
                        Map<TopicPartition, OffsetAndMetadata> committed =
                                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                        return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue());
                    } catch (Exception notYet) {
                        return false;
                    }
                });
            }
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers()));
    }

    /** The end offset of every partition of the event topics. */
    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : TOPICS.eventTopics()) {
            for (int p = 0; p < LocalCluster.TOPIC_PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private String groupOf(String job) {
        return groupPrefix + job;
    }

    /** Per consumer group: records of the event topics not yet committed by a checkpoint. */
    private Map<String, Long> uncommitted() {
        Map<String, Long> lag = new java.util.TreeMap<>();
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> ends = endOffsets(admin);
            for (String group : JOBS.stream().map(this::groupOf).toList()) {
                var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                lag.put(group, ends.entrySet().stream().mapToLong(e -> e.getValue()
                        - (committed.get(e.getKey()) == null ? 0 : committed.get(e.getKey()).offset())).sum());
            }
        } catch (Exception e) {
            lag.put("unknown: " + e.getMessage(), -1L);
        }
        return lag;
    }

    private Map<String, Set<String>> deadLettersByJob() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "cft-dead-letter-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Set<String>> byJob = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPICS.deadLetters()));
            int emptyPolls = 0;
            while (emptyPolls < 4) {
                var records = consumer.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    var job = r.headers().lastHeader(DeadLetterKafkaSerializer.JOB);
                    if (job != null && r.value() != null) {
                        byJob.computeIfAbsent(new String(job.value(), StandardCharsets.UTF_8), k -> new HashSet<>())
                                .add(Base64.getEncoder().encodeToString(r.value()));
                    }
                }
            }
        }
        return byJob;
    }

    // ---- the cluster ----

    private String submit(String job, String fromSavepoint, Path jar, String parallelism) {
        SubmitCommand submit = new SubmitCommand();
        submit.out = out;
        CommandLine line = new CommandLine(submit);
        line.setUnmatchedOptionsArePositionalParams(true);
        List<String> args = new ArrayList<>(List.of(job));
        if (fromSavepoint != null) {
            args.addAll(List.of("--from-savepoint", fromSavepoint));
        }
        if (jar != null) {
            args.addAll(List.of("--jar", jar.toString()));
        }
        args.addAll(List.of("--group-id", groupOf(job), "--checkpoint-interval", CHECKPOINT_MS + "ms",
                "--allowed-lateness", LATENESS.toMinutes() + "m", "--idle-timeout", "1h",
                "--flush-interval", "500ms", "--parallelism", parallelism));
        assertThat(line.execute(args.toArray(String[]::new))).as("submit %s", args).isZero();
        return submit.submittedJobId;
    }

    private Map<String, Long> pids() {
        Map<String, Long> pids = new HashMap<>();
        for (ClusterProcess p : cluster.components()) {
            p.running().ifPresent(h -> pids.put(p.name(), h.pid()));
        }
        return pids;
    }

    /** SIGKILL to the TaskManager; returns how many records were not yet behind a checkpoint, per job. */
    private Map<String, Long> killTaskManager() throws Exception {
        ProcessHandle tm = cluster.taskManager(1).running().orElseThrow();
        Map<String, Long> inFlight = uncommitted();
        out.println("kill -9 taskmanager-1 (pid " + tm.pid() + "); records not yet behind a checkpoint: " + inFlight);
        tm.destroyForcibly();
        await("the TaskManager to die", Duration.ofSeconds(30), () -> !tm.isAlive());
        return inFlight;
    }

    /** A kill "during processing": the jobs still had records to read or to commit. */
    private void killTaskManagerDuringProcessing() throws Exception {
        assertThat(killTaskManager().values().stream().mapToLong(Long::longValue).sum())
                .as("records in flight at the kill").isPositive();
    }

    private void terminateConnections(JdbcTarget db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE usename = current_user AND pid <> pg_backend_pid()")) {
            rs.next();
            out.println("terminated " + rs.getLong(1) + " PostgreSQL connections");
        }
    }

    private void awaitRunning(Iterable<String> jobs) throws Exception {
        for (String job : jobs) {
            await("job " + job + " to run all its tasks", Duration.ofMinutes(2), () -> allTasksRunning(job));
        }
    }

    private boolean allTasksRunning(String job) {
        try {
            JsonNode details = FlinkRest.job(cluster.restAddress(), job);
            if (!details.path("state").asText().equals("RUNNING")) {
                return false;
            }
            for (JsonNode vertex : details.path("vertices")) {
                if (!vertex.path("status").asText().equals("RUNNING")) {
                    return false;
                }
            }
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    private long completedCheckpoints(String job) {
        try {
            return FlinkRest.checkpoints(cluster.restAddress(), job).path("counts").path("completed").asLong();
        } catch (Exception notYet) {
            return -1;
        }
    }

    private Map<String, Long> completedCheckpoints(Iterable<String> jobs) {
        Map<String, Long> counts = new HashMap<>();
        jobs.forEach(job -> counts.put(job, completedCheckpoints(job)));
        return counts;
    }

    private void awaitCheckpointAfter(Iterable<String> jobs, Map<String, Long> before) throws Exception {
        for (String job : jobs) {
            await("a checkpoint of " + job, Duration.ofMinutes(1), () -> completedCheckpoints(job) > before.get(job));
        }
    }

    /** Returns as soon as the job completes its next checkpoint: "right after a checkpoint". */
    private void awaitNextCheckpoint(String job) throws Exception {
        long before = completedCheckpoints(job);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (completedCheckpoints(job) <= before) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("No checkpoint of " + job + " completed in 2 minutes: " + diagnostics(job));
            }
            Thread.sleep(20);
        }
    }

    /** The job's state, restarts, checkpoint counts and latest exceptions, for a failure message. */
    private String diagnostics(String job) {
        StringBuilder text = new StringBuilder();
        for (String path : List.of("", "/checkpoints", "/exceptions?maxExceptions=3")) {
            try {
                String body = FlinkRest.get(cluster.restAddress(), "/jobs/" + job + path).toString();
                text.append("\n").append(path.isEmpty() ? "job" : path).append(": ")
                        .append(body, 0, Math.min(body.length(), 3000));
            } catch (Exception e) {
                text.append("\n").append(path).append(": ").append(e);
            }
        }
        return text.toString();
    }

    private int restarts(String job) {
        return FlinkRest.jobMetric(cluster.restAddress(), job, "numRestarts").map(Integer::parseInt).orElse(-1);
    }

    private void awaitRestarted(Iterable<String> jobs, int restarts) throws Exception {
        for (String job : jobs) {
            await("job " + job + " to restart (" + restarts + ")", Duration.ofMinutes(2), () -> restarts(job) >= restarts);
        }
        awaitRunning(jobs);
    }

    private String scrapePrometheus() {
        StringBuilder all = new StringBuilder();
        var http = java.net.http.HttpClient.newHttpClient();
        for (int port = cluster.ports().prometheusFirst(); port <= cluster.ports().prometheusLast(); port++) {
            try {
                var response = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                all.append(response.body());
            } catch (Exception nobodyThere) {
                // not every port of the range is taken
            }
        }
        return all.toString();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
