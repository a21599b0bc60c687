package io.customerpulse.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the serving tables, views and the read-only role if missing, from the DDL in the
 * repository's {@code sql/postgres} (packed into the jar). Every file is idempotent; an advisory
 * lock keeps two jobs starting at once from racing on the same CREATE.
 */
public final class ServingSchema {
    private static final Logger LOG = LoggerFactory.getLogger(ServingSchema.class);
    private static final String DIR = "sql/postgres/";
    /** Arbitrary but fixed: the advisory lock all Customer Pulse DDL runs under. */
    private static final long DDL_LOCK = 0x70756c7365L;

    private ServingSchema() {}

    public static List<String> files() {
        List<String> files = new ArrayList<>();
        for (String line : resource(DIR + "apply-order.txt").split("\n")) {
            line = line.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                files.add(line);
            }
        }
        return files;
    }

    /** Applies every DDL file in order, in one transaction. */
    public static void ensure(JdbcTarget target) throws SQLException {
        try (Connection connection = target.connect()) {
            ensure(connection);
        }
    }

    public static void ensure(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
            for (String file : files()) {
                statement.execute(resource(DIR + file));
            }
            connection.commit();
            LOG.info("Serving schema is in place ({} DDL files)", files().size());
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    static String resource(String name) {
        try (InputStream in = ServingSchema.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing classpath resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
