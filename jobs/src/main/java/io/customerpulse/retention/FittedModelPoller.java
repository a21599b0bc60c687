package io.customerpulse.retention;

import io.customerpulse.flink.JobControl;
import io.customerpulse.sink.JdbcTarget;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * On every tick, reads the newest fitted BG/NBD model from {@code model_params} and, when it
 * differs from the last one seen, broadcasts it to the retention operators: a live job picks up
 * a new fit without a restart. A database that cannot be reached is logged and retried at the
 * next tick; the job keeps the parameters it has.
 */
public class FittedModelPoller extends RichFlatMapFunction<Long, JobControl> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FittedModelPoller.class);

    static final String NEWEST = "SELECT r, alpha_days, a, b FROM model_params ORDER BY fitted_at DESC, id DESC LIMIT 1";

    private final JdbcTarget target;
    private transient Connection connection;
    private transient BgNbdParameters lastSeen;

    public FittedModelPoller(JdbcTarget target) {
        this.target = target;
    }

    @Override
    public void open(OpenContext openContext) {
        lastSeen = null;
    }

    @Override
    public void flatMap(Long tick, Collector<JobControl> out) {
        BgNbdParameters newest;
        try {
            newest = newest();
        } catch (SQLException e) {
            LOG.warn("Cannot read model_params ({}); keeping the current BG/NBD parameters", e.getMessage());
            closeQuietly();
            return;
        }
        if (newest != null && !newest.equals(lastSeen)) {
            lastSeen = newest;
            JobControl control = new JobControl();
            control.modelR = newest.r();
            control.modelAlpha = newest.alpha();
            control.modelA = newest.a();
            control.modelB = newest.b();
            out.collect(control);
        }
    }

    private BgNbdParameters newest() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = target.connect();
        }
        return newest(connection);
    }

    /** The newest fitted model in the store, or null if none was fitted yet. */
    public static BgNbdParameters newest(JdbcTarget target) throws SQLException {
        try (Connection c = target.connect()) {
            return newest(c);
        }
    }

    private static BgNbdParameters newest(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(NEWEST)) {
            if (!rs.next()) {
                return null;
            }
            return new BgNbdParameters(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
        }
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // reconnect at the next tick
        }
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
