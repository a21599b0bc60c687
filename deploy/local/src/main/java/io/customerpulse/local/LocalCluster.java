package io.customerpulse.local;

import io.customerpulse.ingest.TopicNames;
import io.customerpulse.sink.JdbcTarget;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The local cluster: a Kafka broker, a PostgreSQL server, a Flink JobManager and TaskManagers, each
 * a separate background process with its pid file and log under one run directory
 * ({@code .pulse/cluster}). Starting is idempotent (only what is not running starts), stopping
 * goes in dependency order: TaskManagers, JobManager, Kafka, PostgreSQL.
 */
final class LocalCluster {
    static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String KAFKA_MAIN = "kafka.Kafka";
    static final int TOPIC_PARTITIONS = 2;
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final Path repository;

    LocalCluster(Path dir, Path repository) {
        this.dir = dir.toAbsolutePath().normalize();
        this.repository = repository;
    }

    /** The cluster of this checkout: {@code .pulse/cluster}. */
    static LocalCluster current() {
        return new LocalCluster(PulseHome.runDirectory().resolve("cluster"), PulseHome.repository());
    }

    Path directory() {
        return dir;
    }

    ClusterPorts ports() {
        return ClusterPorts.loadOrAllocate(dir.resolve("ports.properties"));
    }

    Path logDirectory() {
        return dir.resolve("log");
    }

    Path flinkConfDirectory() {
        return dir.resolve("flink").resolve("conf");
    }

    Path postgresDirectory() {
        return dir.resolve("postgres");
    }

    String kafkaBootstrapServers() {
        return "localhost:" + ports().kafka();
    }

    /** The broker's bootstrap servers; fails with advice when the cluster's Kafka is not running. */
    String runningKafka() {
        if (kafka().running().isEmpty()) {
            throw new IllegalStateException("The local cluster's Kafka is not running (start it with ./pulse cluster start), "
                    + "or pass --bootstrap-servers <host:port>");
        }
        return kafkaBootstrapServers();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + ports().postgres() + "/" + LocalPostgres.DATABASE;
    }

    URI restAddress() {
        return URI.create("http://localhost:" + ports().flinkRest());
    }

    /** The application role of the cluster's PostgreSQL (its password is kept in the run directory). */
    JdbcTarget appTarget() {
        try {
            return LocalPostgres.appTarget(postgresDirectory(), ports().postgres());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JdbcTarget readerTarget() {
        try {
            return LocalPostgres.readerTarget(postgresDirectory(), ports().postgres());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- components ----

    ClusterProcess kafka() {
        return javaProcess("kafka");
    }

    /** PostgreSQL keeps its own pid file in its data directory. */
    ClusterProcess postgres() {
        return new ClusterProcess("postgres", postgresDirectory().resolve("data").resolve("postmaster.pid"), "postgres");
    }

    ClusterProcess jobManager() {
        return javaProcess("jobmanager");
    }

    ClusterProcess taskManager(int index) {
        return javaProcess("taskmanager-" + index);
    }

    /**
     * A JVM of the cluster, recognised by a marker property placed first on its command line
     * (the kernel shows only the first 4 KiB of a command line; the classpath is longer).
     */
    private ClusterProcess javaProcess(String name) {
        return new ClusterProcess(name, dir.resolve("pids").resolve(name + ".pid"), processMarker(name));
    }

    private static String processMarker(String name) {
        return "-Dpulse.cluster.process=" + name;
    }

    /** How many TaskManagers the cluster should have (set by start --taskmanagers, 1 at first). */
    int taskManagerCount() {
        Path file = dir.resolve("taskmanagers");
        try {
            return Files.exists(file) ? Integer.parseInt(Files.readString(file).strip()) : 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<ClusterProcess> components() {
        List<ClusterProcess> all = new ArrayList<>(List.of(kafka(), postgres(), jobManager()));
        for (int i = 1; i <= Math.max(taskManagerCount(), runningTaskManagerSlots()); i++) {
            all.add(taskManager(i));
        }
        return all;
    }

    /** The highest index of a TaskManager pid file whose process runs (TaskManagers above the wanted count). */
    private int runningTaskManagerSlots() {
        int highest = 0;
        for (int i = 1; i <= 16; i++) {
            if (taskManager(i).running().isPresent()) {
                highest = i;
            }
        }
        return highest;
    }

    boolean isRunning() {
        return kafka().running().isPresent() && postgres().running().isPresent() && jobManager().running().isPresent();
    }

    // ---- start ----

    /** Starts every component that is not running; {@code taskManagers} (if given) becomes the wanted count. */
    void start(Integer taskManagers, PrintStream out) throws Exception {
        Files.createDirectories(logDirectory());
        if (taskManagers != null) {
            Files.writeString(dir.resolve("taskmanagers"), taskManagers + "\n");
        }
        ClusterPorts ports = ports();
        writeFlinkConfiguration(ports);
        startKafka(ports, out);
        startPostgres(ports, out);
        startJobManager(out);
        int wanted = taskManagerCount();
        List<ClusterProcess> started = new ArrayList<>();
        List<String> startedIds = new ArrayList<>();
        for (int i = 1; i <= wanted; i++) {
            ClusterProcess tm = taskManager(i);
            if (tm.running().isPresent()) {
                out.printf("%-14s already running (pid %d)%n", tm.name(), tm.running().get().pid());
            } else {
                // A fresh resource id per launch: a replacement reusing a dead TaskManager's id would
                // be taken for that TaskManager reconnecting, and fail the job a second time.
                String resourceId = tm.name() + "-" + Instant.now().toEpochMilli();
                startFlinkProcess(tm, TASKMANAGER_MAIN, "GET_TM_RESOURCE_PARAMS",
                        List.of("-D", "taskmanager.resource-id=" + resourceId));
                started.add(tm);
                startedIds.add(resourceId);
            }
        }
        awaitRegistered(startedIds);
        for (ClusterProcess tm : started) {
            out.printf("%-14s started (pid %d)%n", tm.name(), tm.running().map(ProcessHandle::pid).orElse(-1L));
        }
        out.println();
        printAddresses(out);
    }

    void printAddresses(PrintStream out) {
        out.println("Kafka bootstrap servers : " + kafkaBootstrapServers());
        out.println("JDBC URL                : " + jdbcUrl() + "  (user " + LocalPostgres.APP_USER
                + ", password in " + repository.relativize(postgresDirectory().resolve("pulse.password"))
                + "; read-only user " + LocalPostgres.READER_USER + ")");
        out.println("Flink web UI and REST   : " + restAddress());
        out.println("Logs                    : " + logDirectory());
    }

    private void startKafka(ClusterPorts ports, PrintStream out) throws Exception {
        ClusterProcess kafka = kafka();
        if (kafka.running().isPresent()) {
            out.printf("%-14s already running (pid %d)%n", "kafka", kafka.running().get().pid());
            return;
        }
        Path kafkaDir = dir.resolve("kafka");
        Files.createDirectories(kafkaDir);
        Path properties = kafkaDir.resolve("server.properties");
        Files.writeString(properties, render(repository.resolve("deploy/local/kafka-server.properties"), Map.of(
                "RUN_DIR", dir.toString(),
                "KAFKA_PORT", Integer.toString(ports.kafka()),
                "KAFKA_CONTROLLER_PORT", Integer.toString(ports.kafkaController()))));
        String classpath = launcherClasspath();
        if (!Files.exists(kafkaDir.resolve("data").resolve("meta.properties"))) {
            Process format = new ProcessBuilder(java(), "-cp", classpath, "kafka.tools.StorageTool", "format",
                    "-t", Uuid.randomUuid().toString(), "-c", properties.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDirectory().resolve("kafka-format.log").toFile()))
                    .start();
            if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
                throw new IllegalStateException("Formatting Kafka's storage failed; see " + logDirectory().resolve("kafka-format.log"));
            }
        }
        List<String> command = new ArrayList<>(List.of(java(), processMarker("kafka"), "-Xmx1g", "-Xms256m"));
        command.addAll(loggingOptions("kafka"));
        command.addAll(List.of("-cp", classpath, KAFKA_MAIN, properties.toString()));
        kafka.launch(command, Map.of(), logDirectory().resolve("kafka.out"));
        await("Kafka", kafka, logDirectory().resolve("kafka.log"), this::kafkaAnswers);
        LocalKafka.createTopics(kafkaBootstrapServers(), TopicNames.DEFAULTS, TOPIC_PARTITIONS);
        out.printf("%-14s started (pid %d)%n", "kafka", kafka.running().get().pid());
    }

    private boolean kafkaAnswers() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }

    private void startPostgres(ClusterPorts ports, PrintStream out) throws Exception {
        ClusterProcess postgres = postgres();
        if (postgres.running().isPresent()) {
            out.printf("%-14s already running (pid %d)%n", "postgres", postgres.running().get().pid());
            return;
        }
        // Not closed: the server keeps running after this JVM exits, until `./pulse cluster stop`.
        LocalPostgres.startDetached(postgresDirectory(), ports.postgres(), logDirectory());
        out.printf("%-14s started (pid %d)%n", "postgres", postgres.running().map(ProcessHandle::pid).orElse(-1L));
    }

    private void startJobManager(PrintStream out) throws Exception {
        ClusterProcess jm = jobManager();
        if (jm.running().isPresent()) {
            out.printf("%-14s already running (pid %d)%n", "jobmanager", jm.running().get().pid());
            return;
        }
        startFlinkProcess(jm, JOBMANAGER_MAIN, "GET_JM_RESOURCE_PARAMS", List.of("--executionMode", "cluster"));
        await("Flink JobManager", jm, logDirectory().resolve("jobmanager.log"), () -> FlinkRest.answers(restAddress()));
        out.printf("%-14s started (pid %d)%n", "jobmanager", jm.running().get().pid());
    }

    /**
     * Starts a JobManager or TaskManager the way Flink's own scripts do: memory flags and dynamic
     * properties computed by BashJavaUtils from config.yaml, the Java 17 module flags, the log file.
     */
    private void startFlinkProcess(ClusterProcess process, String mainClass, String resourceQuery, List<String> extraArgs)
            throws Exception {
        String classpath = flinkClasspath();
        List<String> resources = bashJavaUtils(classpath, resourceQuery);
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add(processMarker(process.name()));
        command.addAll(javaModuleOptions());
        command.addAll(List.of(resources.get(0).split(" ")));
        command.addAll(loggingOptions(process.name()));
        command.addAll(List.of("-cp", classpath, mainClass, "--configDir", flinkConfDirectory().toString()));
        if (resources.size() > 1 && !resources.get(1).isBlank()) {
            command.addAll(List.of(resources.get(1).strip().split(" ")));
        }
        command.addAll(extraArgs);
        process.launch(command, Map.of("FLINK_CONF_DIR", flinkConfDirectory().toString()),
                logDirectory().resolve(process.name() + ".out"));
    }

    /** The lines BashJavaUtils prints for {@code query}: JVM memory flags, then dynamic properties. */
    private List<String> bashJavaUtils(String classpath, String query) throws Exception {
        Process p = new ProcessBuilder(java(), "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils", query,
                "--configDir", flinkConfDirectory().toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> results = output.lines()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()))
                .toList();
        if (p.exitValue() != 0 || results.isEmpty()) {
            throw new IllegalStateException("Flink's BashJavaUtils " + query + " failed:\n" + output);
        }
        return results;
    }

    /** Waits until the JobManager lists each TaskManager just started (by its resource id). */
    private void awaitRegistered(List<String> resourceIds) throws Exception {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (!FlinkRest.registeredTaskManagerIds(restAddress()).containsAll(resourceIds)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("TaskManagers " + resourceIds + " did not register with the JobManager in "
                        + STARTUP_TIMEOUT.toSeconds() + " s; see " + logDirectory());
            }
            Thread.sleep(200);
        }
    }

    private void await(String what, ClusterProcess process, Path log, BooleanSupplier ready) throws InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (!ready.getAsBoolean()) {
            if (process.running().isEmpty()) {
                throw new IllegalStateException(what + " exited during start; see " + log + " and "
                        + logDirectory().resolve(process.name() + ".out"));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(what + " did not become ready in " + STARTUP_TIMEOUT.toSeconds() + " s; see " + log);
            }
            Thread.sleep(200);
        }
    }

    /** Flink's config.yaml for this cluster, from the template in deploy/local. */
    private void writeFlinkConfiguration(ClusterPorts ports) throws IOException {
        Path conf = flinkConfDirectory();
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("config.yaml"), render(repository.resolve("deploy/local/config.yaml"), Map.of(
                "RUN_DIR", dir.toString(),
                "FLINK_RPC_PORT", Integer.toString(ports.flinkRpc()),
                "FLINK_REST_PORT", Integer.toString(ports.flinkRest()),
                "PROMETHEUS_PORTS", ports.prometheusFirst() + "-" + ports.prometheusLast(),
                "JAVA17_OPTS", String.join(" ", javaModuleOptions()))));
    }

    static String render(Path template, Map<String, String> values) throws IOException {
        String text = Files.readString(template);
        for (var entry : values.entrySet()) {
            text = text.replace("${" + entry.getKey() + "}", entry.getValue());
        }
        return text;
    }

    List<String> loggingOptions(String name) {
        return loggingOptions(logDirectory().resolve(name + ".log"));
    }

    /**
     * A Flink JVM's logging into {@code logFile} only, as the cluster's processes log: the cluster's
     * own and its clients (flink run, the SQL client), which also run without a started cluster.
     */
    List<String> loggingOptions(Path logFile) {
        String config = repository.resolve("deploy/local/log4j-cluster.properties").toUri().toString();
        return List.of("-Dlog.file=" + logFile.toAbsolutePath(),
                "-Dlog4j.configuration=" + config, "-Dlog4j.configurationFile=" + config);
    }

    // ---- stop and status ----

    void stop(PrintStream out) {
        List<ClusterProcess> order = new ArrayList<>();
        for (int i = Math.max(taskManagerCount(), runningTaskManagerSlots()); i >= 1; i--) {
            order.add(taskManager(i));
        }
        order.add(jobManager());
        order.add(kafka());
        for (ClusterProcess process : order) {
            report(out, process.name(), process.stop("TERM", Duration.ofSeconds(60)));
        }
        // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
        report(out, "postgres", postgres().stop("INT", Duration.ofSeconds(60)));
    }

    private static void report(PrintStream out, String name, boolean stopped) {
        out.printf("%-14s %s%n", name, stopped ? "stopped" : "was not running");
    }

    void status(PrintStream out) {
        for (ClusterProcess process : components()) {
            Optional<ProcessHandle> running = process.running();
            out.printf("%-14s %s%n", process.name(), running.map(p -> "running (pid " + p.pid() + ")").orElse("not running"));
        }
        out.println();
        printAddresses(out);
        if (jobManager().running().isPresent() && FlinkRest.answers(restAddress())) {
            out.println();
            out.println("Jobs:");
            List<FlinkRest.JobSummary> jobs = FlinkRest.jobs(restAddress());
            if (jobs.isEmpty()) {
                out.println("  (none)");
            }
            for (FlinkRest.JobSummary job : jobs) {
                out.printf("  %s  %-10s %s%n", job.id(), job.state(), job.name());
            }
        }
    }

    // ---- files of the build ----

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    List<String> javaModuleOptions() {
        try {
            return Files.readAllLines(repository.resolve("deploy/local/jvm.options")).stream()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String flinkClasspath() throws IOException {
        return readClasspath(repository.resolve("deploy/cluster/target/flink.classpath"));
    }

    /** What a distribution's opt/ adds for its SQL client (deploy/sql-client). */
    String sqlClientClasspath() throws IOException {
        return readClasspath(repository.resolve("deploy/sql-client/target/sql-client.classpath"));
    }

    String launcherClasspath() throws IOException {
        return readClasspath(repository.resolve("deploy/local/target/launcher.classpath"));
    }

    private static String readClasspath(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: build first (./pulse builds on first use, or mvn package)");
        }
        return Files.readString(file).strip();
    }
}
