package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * sql/bench/postgres_insert_cost.sql, whose timings the README quotes, still runs against the
 * serving tables' DDL and writes what it says: the main workload's 78,215 transitions and its
 * 20,000 users, each upserted to the third of its rows. Its psql commands (timing, the DDL it
 * includes) are left out here: the test store has the tables already.
 */
class PostgresInsertCostScriptTest {
    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.postgresOnly();

    private static final Path SCRIPT = Path.of("..", "..", "sql", "bench", "postgres_insert_cost.sql");

    @Test
    void theScriptWritesTheRowsItClaims() throws Exception {
        STACK.postgres().emptyServingTables();
        String sql = Files.readAllLines(SCRIPT).stream()
                .filter(line -> !line.startsWith("\\") && !line.startsWith("--"))
                .reduce("", (a, b) -> a + b + "\n");
        List<String> statements = Arrays.stream(sql.split(";\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        assertThat(statements).hasSize(4);
        try (Connection c = STACK.postgres().appTarget().connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
        assertThat(Tables.dump(STACK.postgres().appTarget(), "SELECT count(*), count(DISTINCT user_id) FROM retention_transitions"))
                .containsExactly("78215 | 20000");
        assertThat(Tables.dump(STACK.postgres().appTarget(), "SELECT status, count(*) FROM user_retention GROUP BY status"))
                .containsExactly("dormant | 20000");
    }
}
