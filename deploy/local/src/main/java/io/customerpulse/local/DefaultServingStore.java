package io.customerpulse.local;

import io.customerpulse.sink.JdbcTarget;

import java.io.IOException;
import java.sql.SQLException;

/**
 * The PostgreSQL that commands write to when no --jdbc-url is given: the local cluster's server
 * while `./pulse cluster start` has it running (so a backfill fills the tables the submitted jobs
 * serve), otherwise the embedded server in .pulse/postgres, started for the command and stopped after.
 */
final class DefaultServingStore implements AutoCloseable {
    private final JdbcTarget target;
    private final LocalPostgres embedded;
    private final String description;

    private DefaultServingStore(JdbcTarget target, LocalPostgres embedded, String description) {
        this.target = target;
        this.embedded = embedded;
        this.description = description;
    }

    static DefaultServingStore open() throws IOException, SQLException {
        LocalCluster cluster = LocalCluster.current();
        if (cluster.postgres().running().isPresent()) {
            return new DefaultServingStore(cluster.appTarget(), null, "the local cluster's PostgreSQL: " + cluster.jdbcUrl());
        }
        LocalPostgres postgres = LocalPostgres.start(PulseHome.runDirectory().resolve("postgres"), 0);
        return new DefaultServingStore(postgres.appTarget(), postgres, "the local embedded PostgreSQL: " + postgres.jdbcUrl());
    }

    JdbcTarget target() {
        return target;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
