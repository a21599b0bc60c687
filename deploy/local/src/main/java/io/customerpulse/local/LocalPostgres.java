package io.customerpulse.local;

import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.ServingSchema;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A real PostgreSQL server (zonky's embedded binary) for the local stack. Its data directory
 * survives restarts; it listens on loopback only. The application role {@code pulse} owns the
 * database {@code pulse} and has a password generated once and kept in the data directory;
 * only the {@code postgres} superuser connects without one, and only from loopback.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String DATABASE = "pulse";
    public static final String APP_USER = "pulse";
    public static final String READER_USER = "marketer";

    private final EmbeddedPostgres server;
    private final String appPassword;
    private final String readerPassword;

    private LocalPostgres(EmbeddedPostgres server, String appPassword, String readerPassword) {
        this.server = server;
        this.appPassword = appPassword;
        this.readerPassword = readerPassword;
    }

    /** Starts the server on {@code dataDir} (created on first use), on a free port unless {@code port > 0}. */
    public static LocalPostgres start(Path dataDir, int port) throws IOException, SQLException {
        return start(dataDir, port, builder -> { });
    }

    /**
     * Starts a server that outlives this JVM (the local cluster's): its log goes to files in
     * {@code logDir} through PostgreSQL's own logging collector. Stop it with SIGINT to the pid
     * in {@code <dataDir>/data/postmaster.pid} (a fast shutdown).
     */
    public static LocalPostgres startDetached(Path dataDir, int port, Path logDir) throws IOException, SQLException {
        Files.createDirectories(logDir);
        Path startupLog = logDir.resolve("postgres-startup.log");
        return start(dataDir, port, builder -> builder
                .setServerConfig("logging_collector", "on")
                .setServerConfig("log_directory", logDir.toAbsolutePath().toString())
                .setServerConfig("log_filename", "postgres-%a.log")
                .setServerConfig("log_truncate_on_rotation", "on")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(startupLog.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(startupLog.toFile())));
    }

    private static LocalPostgres start(Path dataDir, int port, java.util.function.Consumer<EmbeddedPostgres.Builder> extra)
            throws IOException, SQLException {
        Files.createDirectories(dataDir);
        stopOrphanedServer(dataDir.resolve("data"));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("data"))
                .setCleanDataDirectory(false)
                // We stop the server ourselves, after the job: a JVM hook would race the job's last writes.
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                .setDataDirectoryCustomizer(LocalPostgres::writeAccessRules);
        if (port > 0) {
            builder.setPort(port);
        }
        extra.accept(builder);
        EmbeddedPostgres server = builder.start();
        LocalPostgres pg = new LocalPostgres(server, secret(dataDir.resolve("pulse.password")),
                secret(dataDir.resolve("marketer.password")));
        pg.ensureDatabaseAndRoles();
        return pg;
    }

    /** The serving tables created if missing and emptied (the database and its roles stay). */
    public void emptyServingTables() throws SQLException {
        try (Connection c = appTarget().connect(); Statement s = c.createStatement()) {
            ServingSchema.ensure(c);
            s.execute("TRUNCATE user_retention, retention_transitions, retention_cohorts, wom_reach, wom_daily");
        }
    }

    /** The application role of the server kept in {@code dataDir}, listening on {@code port} (no server is started). */
    public static JdbcTarget appTarget(Path dataDir, int port) throws IOException {
        return new JdbcTarget(jdbcUrl(port, DATABASE), APP_USER, secret(dataDir.resolve("pulse.password")));
    }

    /** The read-only marketer login of the server kept in {@code dataDir}. */
    public static JdbcTarget readerTarget(Path dataDir, int port) throws IOException {
        return new JdbcTarget(jdbcUrl(port, DATABASE), READER_USER, secret(dataDir.resolve("marketer.password")));
    }

    private static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * A launcher killed hard (kill -9) leaves its server running on the data directory, which
     * would refuse a second postmaster: stop it first (SIGTERM, a smart shutdown; it has no
     * clients left).
     */
    private static void stopOrphanedServer(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        } catch (RuntimeException unreadable) {
            return;
        }
        var orphan = ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (orphan.isPresent()) {
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("A PostgreSQL server (pid " + pid + ") still runs on " + data + " and did not stop", e);
            }
        }
    }

    /** Passwords for everyone but the superuser, which only the launcher itself uses, on loopback. */
    private static void writeAccessRules(java.io.File dataDir) {
        String hba = """
                # Written by Customer Pulse's local stack at every start.
                local all all                 trust
                host  all postgres 127.0.0.1/32 trust
                host  all postgres ::1/128      trust
                host  all all      127.0.0.1/32 scram-sha-256
                host  all all      ::1/128      scram-sha-256
                """;
        try {
            Files.writeString(dataDir.toPath().resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String secret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        Files.writeString(file, secret, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the file stays as created
        }
        return secret;
    }

    private void ensureDatabaseAndRoles() throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            ensureLoginRole(c, APP_USER, appPassword, "CREATEROLE");
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_USER);
            }
        }
        try (Connection c = server.getDatabase("postgres", DATABASE).getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER SCHEMA public OWNER TO " + APP_USER);
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", "pulse_reader")) {
                s.execute("CREATE ROLE pulse_reader NOLOGIN");
            }
            ensureLoginRole(c, READER_USER, readerPassword, "");
            s.execute("GRANT pulse_reader TO " + READER_USER);
        }
    }

    private static void ensureLoginRole(Connection c, String role, String password, String extra) throws SQLException {
        try (Statement s = c.createStatement()) {
            String verb = exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role) ? "ALTER" : "CREATE";
            s.execute(verb + " ROLE " + role + " LOGIN " + extra + " PASSWORD '" + password + "'");
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Creates another database owned by the application role (if missing); its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
                s.execute("CREATE DATABASE " + name + " OWNER " + APP_USER);
            }
        }
        try (Connection c = server.getDatabase("postgres", name).getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER SCHEMA public OWNER TO " + APP_USER);
        }
        return jdbcUrl(port(), name);
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return jdbcUrl(port(), DATABASE);
    }

    /** The application role: owns the serving tables. */
    public JdbcTarget appTarget() {
        return new JdbcTarget(jdbcUrl(), APP_USER, appPassword);
    }

    /** The read-only marketer login (member of pulse_reader). */
    public JdbcTarget readerTarget() {
        return new JdbcTarget(jdbcUrl(), READER_USER, readerPassword);
    }

    /** A connection string to paste into psql. */
    public String psqlUri(JdbcTarget who) {
        return psqlUri(who, port());
    }

    static String psqlUri(JdbcTarget who, int port) {
        return "postgresql://" + who.user() + ":" + who.password() + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
