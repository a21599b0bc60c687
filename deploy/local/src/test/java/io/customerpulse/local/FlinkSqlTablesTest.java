package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.ingest.TopicNames;
import io.customerpulse.testing.ClickEventV2;
import io.customerpulse.testing.Events;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code sql/flink/tables.sql} and {@code per_user_aggregates.sql} on a real broker, through the
 * {@code avro-single-object} format: the query's per-user and per-day figures equal a brute-force
 * count of the published events, and the poison records among them (not single-object encoded; a
 * writer schema not in schemas/history) are skipped as tables.sql says, or fail the query when
 * ignore-parse-errors is off. Written into PostgreSQL through {@code postgres_sinks.sql} (Flink's
 * JDBC connector), the two results leave the same figures in its tables.
 */
class FlinkSqlTablesTest {
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;
    private static final Path SQL = FlinkSqlScript.directory();
    private static final Instant START = Instant.parse("2025-03-01T00:00:00Z");

    private static LocalKafka kafka;
    private static final List<PulseEvent> published = new ArrayList<>();

    record UserTotals(long clicks, long shares, long purchases, BigDecimal revenue,
                      Instant firstSeenAt, Instant lastActiveAt, long activeDays) {}

    record UserDay(String userId, LocalDate day) {}

    record DayTotals(long clicks, long shares, long purchases, BigDecimal revenue) {}

    @BeforeAll
    static void publishEventsAndPoison() throws Exception {
        kafka = LocalKafka.start();
        kafka.createTopics(TOPICS, 2);
        Random random = new Random(42);
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), TOPICS, new Properties())) {
            for (int i = 0; i < 600; i++) {
                String user = "u-" + random.nextInt(15);
                long time = START.toEpochMilli() + (long) (random.nextDouble() * Duration.ofDays(6).toMillis());
                PulseEvent e = switch (random.nextInt(6)) {
                    case 0 -> Events.purchase("p-" + i, user, time, 1 + random.nextInt(50_000));
                    case 1 -> Events.share("s-" + i, user, time, "sh-" + i);
                    default -> Events.click("c-" + i, user, time);
                };
                publisher.publish(e);
                published.add(e);
                if (i == 100) {
                    publisher.publish(EventType.CLICK, user.getBytes(StandardCharsets.UTF_8),
                            "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8));
                    publisher.publish(EventType.PURCHASE, user.getBytes(StandardCharsets.UTF_8),
                            new byte[] {(byte) 0xC3, 0x01, 0, 0});
                }
                if (i == 200) { // a writer schema not in schemas/history
                    publisher.publish(EventType.CLICK, user.getBytes(StandardCharsets.UTF_8),
                            ClickEventV2.encode("c-unregistered", user, time, "newsletter"));
                }
            }
            publisher.flush();
        }
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void perUserAggregatesEqualABruteForceCountSkippingPoisonRecords() throws Exception {
        TableEnvironment sql = tablesOverTheBroker();
        List<String> queries = FlinkSqlScript.statements(SQL.resolve("per_user_aggregates.sql"));
        // Two SETs, the view, then the two queries.
        assertThat(queries).hasSize(5);
        for (String setOrView : queries.subList(0, 3)) {
            FlinkSqlScript.execute(sql, setOrView);
        }

        Map<String, UserTotals> perUser = new HashMap<>();
        for (Row row : finalRows(sql, queries.get(3))) {
            perUser.put(row.getFieldAs("user_id"), new UserTotals(row.getFieldAs("clicks"),
                    row.getFieldAs("shares"), row.getFieldAs("purchases"), row.getFieldAs("revenue"),
                    row.getFieldAs("first_seen_at"), row.getFieldAs("last_active_at"),
                    row.getFieldAs("active_days")));
        }
        Map<UserDay, DayTotals> perDay = new HashMap<>();
        for (Row row : finalRows(sql, queries.get(4))) {
            perDay.put(new UserDay(row.getFieldAs("user_id"), row.getFieldAs("day")),
                    new DayTotals(row.getFieldAs("clicks"), row.getFieldAs("shares"),
                            row.getFieldAs("purchases"), row.getFieldAs("revenue")));
        }

        assertThat(perUser).hasSize(15).isEqualTo(expectedPerUser());
        assertThat(perDay).isEqualTo(expectedPerDay());
    }

    @Test
    void theQueriesIntoPostgresqlThroughPostgresSinksLeaveTheSameFigures(@TempDir Path dir) throws Exception {
        TableEnvironment sql = tablesOverTheBroker();
        List<String> queries = FlinkSqlScript.statements(SQL.resolve("per_user_aggregates.sql"));
        for (String setOrView : queries.subList(0, 3)) {
            FlinkSqlScript.execute(sql, setOrView);
        }
        try (LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"), 0)) {
            FlinkSqlScript.createPostgresResultTables(postgres.appTarget());
            FlinkSqlScript.createPostgresSinkTables(sql, postgres.appTarget());
            StatementSet inserts = sql.createStatementSet();
            inserts.addInsert(FlinkSqlScript.POSTGRES_SINKS.get(0), sql.sqlQuery(queries.get(3)));
            inserts.addInsert(FlinkSqlScript.POSTGRES_SINKS.get(1), sql.sqlQuery(queries.get(4)));
            inserts.execute().await();

            Map<String, UserTotals> perUser = new HashMap<>();
            Map<UserDay, DayTotals> perDay = new HashMap<>();
            try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("SELECT * FROM sql_user_totals")) {
                    while (r.next()) {
                        perUser.put(r.getString("user_id"), new UserTotals(r.getLong("clicks"), r.getLong("shares"),
                                r.getLong("purchases"), r.getBigDecimal("revenue"),
                                utc(r.getObject("first_seen_at", LocalDateTime.class)),
                                utc(r.getObject("last_active_at", LocalDateTime.class)), r.getLong("active_days")));
                    }
                }
                try (ResultSet r = s.executeQuery("SELECT * FROM sql_user_days")) {
                    while (r.next()) {
                        perDay.put(new UserDay(r.getString("user_id"), r.getObject("day", LocalDate.class)),
                                new DayTotals(r.getLong("clicks"), r.getLong("shares"), r.getLong("purchases"),
                                        r.getBigDecimal("revenue")));
                    }
                }
            }
            assertThat(perUser).hasSize(15).isEqualTo(expectedPerUser());
            assertThat(perDay).isEqualTo(expectedPerDay());
        }
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"streaming", "batch"})
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a query that does not end would keep the client waiting
    void perUserAggregatesThroughFlinksSqlClientEqualABruteForceCount(String mode, @TempDir Path dir) throws Exception {
        // per_user_aggregates.sql as an analyst runs it: ./pulse sql starts Flink's SQL client on a
        // distribution's classpath with the job jar and the tables of tables.sql, bounded so that
        // the queries end. In streaming mode the client prints each query's changelog, in batch
        // mode its final rows.
        Path report = Files.writeString(dir.resolve("report.sql"), "SET 'execution.runtime-mode' = '" + mode + "';\n"
                + Files.readString(SQL.resolve("per_user_aggregates.sql")));
        SqlRun run = sqlClient(dir, report);
        String output = run.printed();
        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output).doesNotContain("[ERROR]");
        assertThat(dir.resolve("run").resolve("sql")).as("the session's files, removed at its end").isEmptyDirectory();
        assertThat(dir.resolve("run").resolve("logs").resolve("sql-client.log")).as("the client's log").content()
                .contains("org.apache.flink.table.client");

        List<List<Map<String, String>>> results = TableauTables.in(output);
        assertThat(results).as(output).hasSize(2);
        Map<String, UserTotals> perUser = new HashMap<>();
        for (Map<String, String> row : finalRows(results.get(0))) {
            perUser.put(row.get("user_id"), new UserTotals(Long.parseLong(row.get("clicks")),
                    Long.parseLong(row.get("shares")), Long.parseLong(row.get("purchases")),
                    new BigDecimal(row.get("revenue")), printedInstant(row.get("first_seen_at")),
                    printedInstant(row.get("last_active_at")), Long.parseLong(row.get("active_days"))));
        }
        Map<UserDay, DayTotals> perDay = new HashMap<>();
        for (Map<String, String> row : finalRows(results.get(1))) {
            perDay.put(new UserDay(row.get("user_id"), LocalDate.parse(row.get("day"))),
                    new DayTotals(Long.parseLong(row.get("clicks")), Long.parseLong(row.get("shares")),
                            Long.parseLong(row.get("purchases")), new BigDecimal(row.get("revenue"))));
        }
        assertThat(perUser).hasSize(15).isEqualTo(expectedPerUser());
        assertThat(perDay).isEqualTo(expectedPerDay());
    }

    @Test
    void kafkaClientPropertiesAndTopicNamesBecomeTheTablesConnectorOptions() throws Exception {
        // ./pulse sql --kafka-properties: what a secured broker needs, quotes included, reaches the
        // Kafka connector of every table as Flink's parser reads the statements.
        Properties client = new Properties();
        client.setProperty("security.protocol", "SASL_SSL");
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"pulse\" password=\"it's\";";
        client.setProperty("sasl.jaas.config", jaas);
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        for (String table : FlinkSqlScript.topicTables("broker-1:9093,broker-2:9093",
                new TopicNames("web-clicks", "orders", "referrals", "dead"), true, client)) {
            sql.executeSql(table);
        }
        Catalog catalog = sql.getCatalog(sql.getCurrentCatalog()).orElseThrow();
        Map<String, String> topics = Map.of("clicks", "web-clicks", "purchases", "orders", "shares", "referrals");
        for (var table : topics.entrySet()) {
            Map<String, String> options = catalog.getTable(new ObjectPath(sql.getCurrentDatabase(), table.getKey())).getOptions();
            assertThat(options).as(table.getKey())
                    .containsEntry("topic", table.getValue())
                    .containsEntry("properties.bootstrap.servers", "broker-1:9093,broker-2:9093")
                    .containsEntry("properties.security.protocol", "SASL_SSL")
                    .containsEntry("properties.sasl.jaas.config", jaas)
                    .containsEntry("scan.bounded.mode", "latest-offset");
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aStatementThatFailsInAFileMakesTheRunFailWhereFlinksClientWouldExitWithZero(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("report.sql"), """
                SET 'sql-client.execution.result-mode' = 'tableau';
                SELECT COUNT(*) AS clickz FROM clickz;
                SELECT COUNT(*) AS never_run FROM clicks;
                """);
        SqlRun run = sqlClient(dir, report);
        assertThat(run.exitCode()).as(run.printed()).isEqualTo(1);
        assertThat(run.printed()).contains("[ERROR] Could not execute SQL statement.", "Object 'clickz' not found")
                .doesNotContain("never_run |").doesNotContain("terminal");
        assertThat(run.err()).isEqualTo("pulse sql: a statement of " + report
                + " failed (the [ERROR] above); the statements after it did not run\n");
    }

    /** A printed result's rows: a streaming query's changelog applied, a batch query's as they are. */
    private static List<Map<String, String>> finalRows(List<Map<String, String>> printed) {
        return !printed.isEmpty() && printed.get(0).containsKey("op") ? TableauTables.applied(printed) : printed;
    }

    record SqlRun(int exitCode, String printed, String err) {}

    /** {@code ./pulse sql --bounded --file <file>} over the test's broker, with a run directory in {@code dir}. */
    private static SqlRun sqlClient(Path dir, Path file) {
        SqlCommand command = new SqlCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setProperty("pulse.run", dir.resolve("run").toString());
        try {
            int exitCode = new CommandLine(command).execute("--bootstrap-servers", kafka.bootstrapServers(), "--bounded",
                    "--file", file.toString());
            return new SqlRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("pulse.run");
        }
    }

    /** A TIMESTAMP_LTZ as the client prints it, in the session's zone (UTC, set by the script). */
    private static Instant printedInstant(String printed) {
        return utc(LocalDateTime.parse(printed.replace(' ', 'T')));
    }

    private static Instant utc(LocalDateTime time) {
        return time.toInstant(ZoneOffset.UTC);
    }

    @Test
    void aPoisonRecordFailsTheQueryWhenParseErrorsAreNotIgnored() throws Exception {
        TableEnvironment sql = tablesOverTheBroker();

        assertThatThrownBy(() -> finalRows(sql, "SELECT COUNT(*) FROM clicks "
                + "/*+ OPTIONS('avro-single-object.ignore-parse-errors' = 'false') */"))
                .hasStackTraceContaining("Cannot decode io.customerpulse.events.avro.ClickEvent")
                .hasStackTraceContaining("not Avro single-object encoding");
    }

    /** A streaming table environment with the DDL of tables.sql, bounded at the latest offsets. */
    private static TableEnvironment tablesOverTheBroker() throws Exception {
        Configuration conf = new Configuration();
        conf.setString("parallelism.default", "2");
        // Days must come out in UTC because per_user_aggregates.sql says so, whatever the session had.
        conf.setString("table.local-time-zone", "Asia/Shanghai");
        TableEnvironment sql = TableEnvironment.create(
                EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());
        assertThat(FlinkSqlScript.statements(SQL.resolve("tables.sql"))).hasSize(3);
        FlinkSqlScript.createTopicTables(sql, kafka.bootstrapServers(), TopicNames.DEFAULTS, true);
        return sql;
    }

    /** The query's result once its changelog (inserts, update-before/after) is applied. */
    private static List<Row> finalRows(TableEnvironment sql, String query) throws Exception {
        Map<Row, Integer> rows = new HashMap<>();
        try (CloseableIterator<Row> changes = sql.executeSql(query).collect()) {
            while (changes.hasNext()) {
                Row change = changes.next();
                int sign = switch (change.getKind()) {
                    case INSERT, UPDATE_AFTER -> 1;
                    case UPDATE_BEFORE, DELETE -> -1;
                };
                change.setKind(RowKind.INSERT);
                rows.merge(change, sign, Integer::sum);
            }
        }
        List<Row> result = new ArrayList<>();
        rows.forEach((row, count) -> {
            assertThat(count).as("multiplicity of %s", row).isBetween(0, 1);
            if (count == 1) {
                result.add(row);
            }
        });
        return result;
    }

    private static Map<String, UserTotals> expectedPerUser() {
        Map<String, List<PulseEvent>> byUser = new HashMap<>();
        for (PulseEvent e : published) {
            byUser.computeIfAbsent(e.userId, u -> new ArrayList<>()).add(e);
        }
        Map<String, UserTotals> expected = new HashMap<>();
        byUser.forEach((user, events) -> {
            long clicks = 0, shares = 0, purchases = 0, revenueMinor = 0;
            long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
            Set<LocalDate> days = new HashSet<>();
            for (PulseEvent e : events) {
                switch (e.type) {
                    case CLICK -> clicks++;
                    case SHARE -> shares++;
                    case PURCHASE -> {
                        purchases++;
                        revenueMinor += e.amountMinor;
                    }
                }
                first = Math.min(first, e.eventTime);
                last = Math.max(last, e.eventTime);
                days.add(utcDay(e.eventTime));
            }
            expected.put(user, new UserTotals(clicks, shares, purchases, BigDecimal.valueOf(revenueMinor, 2),
                    Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), days.size()));
        });
        return expected;
    }

    private static Map<UserDay, DayTotals> expectedPerDay() {
        Map<UserDay, long[]> counts = new HashMap<>();
        for (PulseEvent e : published) {
            long[] c = counts.computeIfAbsent(new UserDay(e.userId, utcDay(e.eventTime)), k -> new long[4]);
            c[e.type.ordinal()]++;
            c[3] += e.type == EventType.PURCHASE ? e.amountMinor : 0;
        }
        Map<UserDay, DayTotals> expected = new HashMap<>();
        counts.forEach((key, c) -> expected.put(key, new DayTotals(c[EventType.CLICK.ordinal()],
                c[EventType.SHARE.ordinal()], c[EventType.PURCHASE.ordinal()], BigDecimal.valueOf(c[3], 2))));
        return expected;
    }

    private static LocalDate utcDay(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
    }
}
