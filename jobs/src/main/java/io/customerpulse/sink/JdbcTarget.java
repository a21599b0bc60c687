package io.customerpulse.sink;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the serving tables live. The password never comes from the command line: callers read it
 * from the environment variable {@link #PASSWORD_ENV} (see {@link #fromEnvironment}).
 */
public record JdbcTarget(String url, String user, String password) implements Serializable {
    public static final String PASSWORD_ENV = "PULSE_JDBC_PASSWORD";

    public static JdbcTarget fromEnvironment(String url, String user) {
        return new JdbcTarget(url, user, System.getenv(PASSWORD_ENV));
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    /** Never print the password. */
    @Override
    public String toString() {
        return "JdbcTarget[" + url + " as " + user + "]";
    }
}
