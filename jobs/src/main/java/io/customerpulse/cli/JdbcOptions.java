package io.customerpulse.cli;

import io.customerpulse.sink.JdbcTarget;

import picocli.CommandLine.Option;

/** Where the serving tables are. The password comes from PULSE_JDBC_PASSWORD or the file PULSE_JDBC_PASSWORD_FILE names. */
public class JdbcOptions {
    @Option(names = "--jdbc-url", paramLabel = "<jdbc:postgresql://...>",
            description = "PostgreSQL JDBC URL of the serving store. Default: ${DEFAULT-VALUE}.",
            defaultValue = "jdbc:postgresql://localhost:5432/pulse")
    public String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = "pulse",
            description = "Database user; the password is read from the environment variable PULSE_JDBC_PASSWORD (or the file PULSE_JDBC_PASSWORD_FILE names). Default: ${DEFAULT-VALUE}.")
    public String jdbcUser;

    @Option(names = "--create-schema", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create missing tables, views and the pulse_reader role before starting (--no-create-schema for a user without DDL rights). Default: ${DEFAULT-VALUE}.")
    public boolean createSchema;

    /**
     * Set only by code that owns the database (the launcher's embedded store, tests); never an
     * option, so a password cannot end up on a command line.
     */
    public String password;

    public JdbcTarget target() {
        return password != null ? new JdbcTarget(jdbcUrl, jdbcUser, password) : JdbcTarget.fromEnvironment(jdbcUrl, jdbcUser);
    }

    /** Points these options at {@code target}, password included. */
    public JdbcOptions use(JdbcTarget target) {
        this.jdbcUrl = target.url();
        this.jdbcUser = target.user();
        this.password = target.password();
        return this;
    }
}
