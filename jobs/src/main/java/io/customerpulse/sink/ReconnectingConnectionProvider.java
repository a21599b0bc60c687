package io.customerpulse.sink;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * The JDBC connector's connection provider, with patience: opening or re-opening a connection is
 * retried with growing pauses (0.5 s, 1 s, 2 s, ... at most 5 s apart) for up to
 * {@code reconnectTimeout} before the failure goes to the sink.
 *
 * <p>Why: the connector reconnects once, inside its retry loop, and fails the task at once if that
 * single attempt fails. A database that restarts, fails over, or terminates connections in quick
 * succession (an operator's {@code pg_terminate_backend}) kills the brand-new connection during its
 * set-up, and a failed task can take the whole TaskManager down while the connector closes.
 * Waiting for the database here keeps a short outage what it is: a pause.
 */
final class ReconnectingConnectionProvider implements JdbcConnectionProvider {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingConnectionProvider.class);

    /** Time and waiting, replaceable in tests. */
    interface Clock extends java.io.Serializable {
        long millis();

        void sleep(long millis) throws InterruptedException;
    }

    /** The real one (an enum: serializable without depending on a class's generated name). */
    private enum WallClock implements Clock {
        INSTANCE;

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            Thread.sleep(millis);
        }
    }

    private final SimpleJdbcConnectionProvider delegate;
    private final long reconnectTimeoutMs;
    private final Clock clock;

    ReconnectingConnectionProvider(JdbcConnectionOptions options, Duration reconnectTimeout) {
        this(options, reconnectTimeout, WallClock.INSTANCE);
    }

    ReconnectingConnectionProvider(JdbcConnectionOptions options, Duration reconnectTimeout, Clock clock) {
        this.delegate = new SimpleJdbcConnectionProvider(options);
        this.reconnectTimeoutMs = reconnectTimeout.toMillis();
        this.clock = clock;
    }

    private interface Attempt {
        Connection connect() throws SQLException, ClassNotFoundException;
    }

    private Connection withRetries(String what, Attempt attempt) throws SQLException, ClassNotFoundException {
        long deadline = clock.millis() + reconnectTimeoutMs;
        long pause = 500;
        for (int tries = 1; ; tries++) {
            try {
                Connection connection = attempt.connect();
                if (tries > 1) {
                    LOG.info("{} the database succeeded after {} attempts", what, tries);
                }
                return connection;
            } catch (SQLException e) {
                if (clock.millis() + pause > deadline) {
                    throw e;
                }
                LOG.warn("{} the database failed ({}); trying again in {} ms", what, e.getMessage(), pause);
                delegate.closeConnection();
                try {
                    clock.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = Math.min(5_000, pause * 2);
            }
        }
    }

    @Override
    public Connection getOrEstablishConnection() throws SQLException, ClassNotFoundException {
        return withRetries("Connecting to", delegate::getOrEstablishConnection);
    }

    @Override
    public Connection reestablishConnection() throws SQLException, ClassNotFoundException {
        return withRetries("Reconnecting to", delegate::reestablishConnection);
    }

    @Override
    public Connection getConnection() {
        return delegate.getConnection();
    }

    @Override
    public Properties getProperties() {
        return delegate.getProperties();
    }

    @Override
    public boolean isConnectionValid() throws SQLException {
        return delegate.isConnectionValid();
    }

    @Override
    public void closeConnection() {
        delegate.closeConnection();
    }
}
