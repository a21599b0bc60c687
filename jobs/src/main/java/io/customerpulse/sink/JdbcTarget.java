package io.customerpulse.sink;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where the serving tables live. The password never comes from the command line: callers read it
 * from the environment variable {@link #PASSWORD_ENV}, or from the file named by
 * {@link #PASSWORD_FILE_ENV} (a mounted Kubernetes secret), see {@link #fromEnvironment}.
 */
public record JdbcTarget(String url, String user, String password) implements Serializable {
    public static final String PASSWORD_ENV = "PULSE_JDBC_PASSWORD";

    public static final String PASSWORD_FILE_ENV = "PULSE_JDBC_PASSWORD_FILE";

    public static JdbcTarget fromEnvironment(String url, String user) {
        return new JdbcTarget(url, user, passwordFromEnvironment());
    }

    /** PULSE_JDBC_PASSWORD, else the content of the file PULSE_JDBC_PASSWORD_FILE names (trailing newline dropped), else null. */
    public static String passwordFromEnvironment() {
        String password = System.getenv(PASSWORD_ENV);
        String file = System.getenv(PASSWORD_FILE_ENV);
        if (password != null || file == null) {
            return password;
        }
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read the password file named by " + PASSWORD_FILE_ENV + ": " + file, e);
        }
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
