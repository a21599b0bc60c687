package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.sink.JdbcTarget;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * ./pulse generate writes history, ./pulse replay publishes it to Kafka in event-time order (at
 * full speed, or paced), and ./pulse backfill --from-kafka over that range gives the same tables
 * as ./pulse backfill --input over the file.
 */
class ReplayAndKafkaBackfillTest {
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(2);

    @Test
    void replayedHistoryBackfilledFromKafkaEqualsTheFileBackfill() throws Exception {
        Path history = STACK.directory("history").resolve("history.jsonl.gz");
        assertThat(new CommandLine(new GenerateCommand()).execute("--out", history.toString(), "--days", "60",
                "--users-per-day", "15", "--seed", "9")).isZero();

        String output = run(new ReplayCommand(), "--input", history.toString(),
                "--bootstrap-servers", STACK.kafka().bootstrapServers(), "--sort-run", "5000");
        assertThat(output).contains("Replay finished", "events published", "skipped");

        // Published in event-time order: every partition's record timestamps (= event times) never go back.
        Map<String, Long> last = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        long records = 0;
        for (ConsumerRecord<byte[], byte[]> r : readAll()) {
            String partition = r.topic() + "-" + r.partition();
            if (r.timestamp() < last.getOrDefault(partition, Long.MIN_VALUE)) {
                outOfOrder.add(partition + "@" + r.offset() + ": " + java.time.Instant.ofEpochMilli(r.timestamp())
                        + " after " + java.time.Instant.ofEpochMilli(last.get(partition)));
            }
            last.put(partition, r.timestamp());
            records++;
        }
        assertThat(records).isGreaterThan(10_000);
        assertThat(outOfOrder).isEmpty();

        LocalPostgres pg = STACK.postgres();
        String fromFile = pg.createDatabase("from_file");
        String fromKafka = pg.createDatabase("from_kafka");
        backfill(fromFile, "--input", history.toString());
        String summary = backfill(fromKafka, "--from-kafka", "--bootstrap-servers", STACK.kafka().bootstrapServers());
        assertThat(summary).contains("Backfill finished", "rows written");

        for (String table : List.of("user_retention", "retention_cohorts", "wom_reach", "wom_daily")) {
            assertThat(dump(fromKafka, "SELECT * FROM " + table + " ORDER BY 1, 2, 3"))
                    .as(table).hasSizeGreaterThan(10)
                    .containsExactlyElementsOf(dump(fromFile, "SELECT * FROM " + table + " ORDER BY 1, 2, 3"));
        }
        assertThat(dump(fromKafka, "SELECT user_id, from_status, to_status, transition_at FROM retention_transitions ORDER BY 1, 4, 3"))
                .containsExactlyElementsOf(dump(fromFile,
                        "SELECT user_id, from_status, to_status, transition_at FROM retention_transitions ORDER BY 1, 4, 3"));
    }

    @Test
    void aSpeedFactorPacesTheReplayInEventTime() throws Exception {
        Path history = STACK.directory("paced").resolve("paced.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i <= 3; i++) {
            // one event per hour of event time
            lines.add("{\"type\":\"click\",\"event_id\":\"paced-" + i + "\",\"user_id\":\"p\",\"event_time\":"
                    + (1_735_689_600_000L + i * 3_600_000L) + ",\"channel\":\"app\",\"page\":\"/\"}");
        }
        java.nio.file.Files.write(history, lines);
        STACK.kafka().createTopics(new io.customerpulse.ingest.TopicNames("paced-clicks", "paced-purchases",
                "paced-shares", "paced-dead-letters"), 1);
        long start = System.nanoTime();
        run(new ReplayCommand(), "--input", history.toString(), "--bootstrap-servers", STACK.kafka().bootstrapServers(),
                "--clicks-topic", "paced-clicks", "--purchases-topic", "paced-purchases", "--shares-topic", "paced-shares",
                "--speed", "3600");
        // three hours of event time at an hour a second
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }

    private String backfill(String jdbcUrl, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", jdbcUrl, "--jdbc-user", LocalPostgres.APP_USER,
                "--dead-letters", STACK.directory("dead-letters").resolve(String.valueOf(System.nanoTime())).toString()));
        BackfillCommand command = new BackfillCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        command.jdbc.password = STACK.postgres().appTarget().password();
        assertThat(command.call()).isZero();
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static String run(ReplayCommand command, String... args) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        new CommandLine(command).parseArgs(args);
        assertThat(command.call()).isZero();
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "order-check");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(LocalStackExtension.TOPICS.eventTopics());
            int empty = 0;
            while (empty < 4) {
                var batch = consumer.poll(Duration.ofMillis(500));
                empty = batch.isEmpty() ? empty + 1 : 0;
                batch.forEach(all::add);
            }
        }
        return all;
    }

    private static List<String> dump(String url, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        JdbcTarget db = new JdbcTarget(url, LocalPostgres.APP_USER, STACK.postgres().appTarget().password());
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(rs.getString(i)).append(" | ");
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
