package io.customerpulse.local;

import io.customerpulse.ingest.TopicNames;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;

import org.apache.flink.table.api.TableEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL files of {@code sql/flink/} run in a {@link TableEnvironment} as the SQL client would run
 * them: statements split at semicolons, comment lines dropped, {@code SET} into the table config,
 * and the topic tables pointed at a given broker and topics, optionally bounded at the offsets
 * present when the query starts.
 */
final class FlinkSqlScript {
    private static final Pattern SET = Pattern.compile("SET\\s+'([^']+)'\\s*=\\s*'([^']*)'", Pattern.CASE_INSENSITIVE);

    private FlinkSqlScript() {}

    static Path directory() {
        return PulseHome.repository().resolve("sql").resolve("flink");
    }

    /** The statements of a SQL file: comment lines dropped, split at semicolons. */
    static List<String> statements(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (!line.strip().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        return Arrays.stream(text.toString().split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Runs a statement; SET (which only the SQL client knows) goes into the table config. */
    static void execute(TableEnvironment sql, String statement) {
        Matcher set = SET.matcher(statement);
        if (set.matches()) {
            sql.getConfig().getConfiguration().setString(set.group(1), set.group(2));
        } else {
            sql.executeSql(statement);
        }
    }

    /** The tables of tables.sql over {@code bootstrapServers} and {@code topics}, bounded at the latest offsets if asked. */
    static void createTopicTables(TableEnvironment sql, String bootstrapServers, TopicNames topics, boolean bounded)
            throws IOException {
        for (String table : topicTables(bootstrapServers, topics, bounded, new Properties())) {
            sql.executeSql(table);
        }
    }

    /**
     * The CREATE TABLE statements of tables.sql over {@code bootstrapServers} and {@code topics},
     * bounded at the latest offsets if asked, with each Kafka client property as the connector's
     * {@code 'properties.<key>'} option.
     */
    static List<String> topicTables(String bootstrapServers, TopicNames topics, boolean bounded,
                                    Properties kafkaProperties) throws IOException {
        StringBuilder clientOptions = new StringBuilder();
        for (String key : new TreeSet<>(kafkaProperties.stringPropertyNames())) {
            clientOptions.append(" ").append(literal("properties." + key)).append(" = ")
                    .append(literal(kafkaProperties.getProperty(key))).append(',');
        }
        List<String> tables = new ArrayList<>();
        for (String statement : statements(directory().resolve("tables.sql"))) {
            String table = replaceOnce(statement, "'properties.bootstrap.servers' = 'localhost:9092',",
                    "'properties.bootstrap.servers' = " + literal(bootstrapServers) + "," + clientOptions);
            table = table.replace("'topic' = 'clicks'", "'topic' = " + literal(topics.clicks()))
                    .replace("'topic' = 'purchases'", "'topic' = " + literal(topics.purchases()))
                    .replace("'topic' = 'shares'", "'topic' = " + literal(topics.shares()));
            if (bounded) {
                table = replaceOnce(table, "'scan.startup.mode' = 'earliest-offset',",
                        "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',");
            }
            tables.add(table);
        }
        return tables;
    }

    /** A SQL string literal: quoted, a quote inside doubled. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** The sink tables of postgres_sinks.sql, in the order of the queries of per_user_aggregates.sql. */
    static final List<String> POSTGRES_SINKS = List.of("user_totals_pg", "user_days_pg");
    /** The PostgreSQL tables of postgres_results.sql that {@link #POSTGRES_SINKS} write to, in the same order. */
    static final List<String> POSTGRES_RESULT_TABLES = List.of("sql_user_totals", "sql_user_days");

    /** The PostgreSQL tables of postgres_results.sql at {@code target}, created if missing. */
    static void createPostgresResultTables(JdbcTarget target) throws IOException, SQLException {
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            for (String ddl : statements(directory().resolve("postgres_results.sql"))) {
                s.execute(ddl);
            }
        }
    }

    /** The tables of postgres_sinks.sql, writing to the PostgreSQL at {@code target}. */
    static void createPostgresSinkTables(TableEnvironment sql, JdbcTarget target) throws IOException {
        for (String statement : statements(directory().resolve("postgres_sinks.sql"))) {
            String table = replaceOnce(statement, "'jdbc:postgresql://localhost:5432/pulse?reWriteBatchedInserts=true'",
                    "'" + RetentionTables.withBatchedInserts(target.url()) + "'");
            table = replaceOnce(table, "'username' = 'pulse'", "'username' = '" + target.user() + "'");
            table = replaceOnce(table, "'password' = 'change-me'", "'password' = '" + target.password() + "'");
            sql.executeSql(table);
        }
    }

    private static String replaceOnce(String text, String target, String replacement) {
        if (text.split(Pattern.quote(target), -1).length != 2) {
            throw new IllegalStateException("Expected " + target + " exactly once in: " + text);
        }
        return text.replace(target, replacement);
    }
}
