package io.customerpulse.local;

import io.customerpulse.cli.Converters;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.ingest.TopicNames;
import io.customerpulse.cli.PulseJob;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.retention.RetentionJob;

import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Runs the whole pipeline on this machine: an in-process Kafka broker, the embedded PostgreSQL,
 * generated traffic and the retention job on a local Flink with RocksDB and checkpoints.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {
            "Runs the retention and word-of-mouth jobs on the embedded default: local Kafka, embedded PostgreSQL, "
                + "a local Flink and generated events.",
            "Prints a live summary, the JDBC URL and psql connection strings. Ctrl-C stops everything cleanly.",
            "Each run starts a fresh simulation: the serving tables are emptied at start; the database, "
                + "its roles and anything else you created in it stay in .pulse/postgres between runs."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--speed", defaultValue = "2d", converter = Converters.LongerThanZero.class,
            description = "Event time simulated per second of wall time, until the simulation catches up with now. Default: ${DEFAULT-VALUE}.")
    Duration speed;

    @Option(names = "--history", defaultValue = "365d", converter = Converters.DurationConverter.class,
            description = "How far in the past the simulation starts. Default: ${DEFAULT-VALUE}.")
    Duration history;

    @Option(names = "--users-per-day", defaultValue = "150", converter = Converters.AboveZero.class,
            description = "New users arriving per simulated day. Default: ${DEFAULT-VALUE}.")
    double usersPerDay;

    @Option(names = "--max-rate", defaultValue = "20000", converter = Converters.AtLeastOne.class,
            description = "Cap on events published per second of wall time. Default: ${DEFAULT-VALUE}.")
    int maxRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated traffic. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--noise", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Send realistic imperfections: duplicates, out-of-order, late and poison records. Default: ${DEFAULT-VALUE}.")
    boolean noise;

    @Option(names = "--duration", converter = Converters.LongerThanZero.class,
            description = "Stop by itself after this long (wall time). Default: run until Ctrl-C.")
    Duration duration;

    @Option(names = "--parallelism", defaultValue = "2", converter = Converters.AtLeastOne.class, description = "Flink parallelism. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--summary-every", defaultValue = "3s", converter = Converters.LongerThanZero.class,
            description = "How often the live summary is printed. Default: ${DEFAULT-VALUE}.")
    Duration summaryEvery;

    @Option(names = "--postgres-port", defaultValue = "0", converter = Converters.PortOrZero.class,
            description = "Port of the embedded PostgreSQL (loopback only); 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int postgresPort;

    private GracefulStop stop;

    @Override
    public Integer call() throws Exception {
        if (postgresPort != 0) {
            // taken, the embedded server failed to start and the launcher spoke to whatever held the port
            try (ServerSocket probe = new ServerSocket(postgresPort, 1, InetAddress.getLoopbackAddress())) {
                // free: closed again at once, for the embedded server to take
            } catch (IOException inUse) {
                throw new IllegalArgumentException("--postgres-port " + postgresPort + " is in use on the loopback address");
            }
        }
        PrintStream out = System.out;
        Path run = PulseHome.runDirectory();
        TopicNames topics = TopicNames.DEFAULTS;
        stop = GracefulStop.install(out);

        out.println("Starting the local stack (Kafka, PostgreSQL, Flink) ...");
        try (LocalPostgres postgres = LocalPostgres.start(run.resolve("postgres"), postgresPort);
             LocalKafka kafka = LocalKafka.start();
             LocalFlink flink = LocalFlink.start(2 * parallelism)) {
            kafka.createTopics(topics, 2);
            postgres.emptyServingTables(); // fresh simulation, fresh tables

            long runId = Instant.now().toEpochMilli();
            JobID retention = flink.submit(configure(new RetentionJob(), kafka, postgres, run, runId));
            JobID reach = flink.submit(configure(new ReachJob(), kafka, postgres, run, runId));
            List<JobID> jobs = List.of(retention, reach);

            out.println();
            out.println("Kafka bootstrap servers : " + kafka.bootstrapServers() + "  (topics " + topics.eventTopics()
                    + ", dead letters: " + topics.deadLetters() + ")");
            out.println("JDBC URL                : " + postgres.jdbcUrl() + "  (user " + LocalPostgres.APP_USER
                    + ", password in .pulse/postgres/pulse.password)");
            out.println("psql, owner             : psql " + postgres.psqlUri(postgres.appTarget()));
            out.println("psql, read-only         : psql " + postgres.psqlUri(postgres.readerTarget()));
            out.println("Flink REST API          : " + flink.restAddress() + "  (jobs: retention " + retention
                    + ", reach " + reach + "; RocksDB, checkpoints every 5s)");
            out.println();

            simulate(kafka, topics, postgres, flink, jobs, out);

            if (!stop.requested()) {
                out.println("Stopping ...");
            }
            for (JobID job : jobs) {
                flink.cancelAndWait(job);
            }
        }
        out.println("Stopped. The serving tables stay in .pulse/postgres.");
        return 0;
    }

    /** The demo's settings for a job: the local stack, fresh consumer groups, fast checkpoints. */
    private <J extends PulseJob> J configure(J job, LocalKafka kafka, LocalPostgres postgres, Path run, long runId) {
        new CommandLine(job).parseArgs(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--jdbc-url", postgres.jdbcUrl(),
                "--jdbc-user", LocalPostgres.APP_USER,
                "--group-id", job.jobName() + "-demo-" + runId,
                "--checkpoint-interval", "5s",
                "--checkpoint-dir", run.resolve("demo/checkpoints").toUri().toString(),
                "--idle-timeout", "10s",
                "--parallelism", Integer.toString(parallelism));
        job.jdbc.password = postgres.appTarget().password();
        return job;
    }

    private void simulate(LocalKafka kafka, TopicNames topics, LocalPostgres postgres, LocalFlink flink, List<JobID> jobs,
                          PrintStream out) throws Exception {
        long wallStart = System.currentTimeMillis();
        long simStart = wallStart - history.toMillis();
        TrafficGenerator generator = new TrafficGenerator(seed, simStart, usersPerDay);
        NoisyTraffic traffic = new NoisyTraffic(generator, seed, noise ? NoisyTraffic.Noise.REALISTIC : NoisyTraffic.Noise.NONE);
        LiveSummary summary = new LiveSummary(postgres.readerTarget());
        long nextSummary = wallStart + summaryEvery.toMillis();
        long publishedAtLastSummary = 0;
        long lastSummaryAt = wallStart;
        long secondStart = wallStart;
        int sentThisSecond = 0;
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), topics, new Properties());
             Admin admin = kafka.admin()) {
            while (!stop.requested() && (duration == null || System.currentTimeMillis() - wallStart < duration.toMillis())) {
                for (JobID job : jobs) {
                    if (!flink.isRunning(job)) {
                        out.println("A Flink job ended unexpectedly: " + job + " (see .pulse/logs/pulse.log)");
                        return;
                    }
                }
                long now = System.currentTimeMillis();
                if (now - secondStart >= 1000) {
                    secondStart = now;
                    sentThisSecond = 0;
                }
                // Simulated time runs `speed` per wall second until it reaches the present, then real time.
                long simNow = Math.min(now, simStart + (long) ((now - wallStart) / 1000.0 * speed.toMillis()));
                sentThisSecond += traffic.emitUntil(simNow, Math.max(0, maxRate - sentThisSecond), publisher::publish);
                if (now >= nextSummary) {
                    double rate = (publisher.sent() - publishedAtLastSummary) * 1000.0 / Math.max(1, now - lastSummaryAt);
                    publishedAtLastSummary = publisher.sent();
                    lastSummaryAt = now;
                    nextSummary = now + summaryEvery.toMillis();
                    try {
                        LiveSummary.print(out, Duration.ofMillis(now - wallStart), rate, publisher.sent(),
                                deadLetters(admin, topics), summary.read());
                    } catch (Exception e) {
                        out.println("   (summary unavailable: " + e.getMessage() + ")");
                    }
                }
                Thread.sleep(10);
            }
            publisher.flush();
        } finally {
            summary.close();
        }
    }

    private static long deadLetters(Admin admin, TopicNames topics) throws Exception {
        var partitions = admin.describeTopics(List.of(topics.deadLetters())).allTopicNames().get()
                .get(topics.deadLetters()).partitions();
        List<TopicPartition> tps = new ArrayList<>();
        partitions.forEach(p -> tps.add(new TopicPartition(topics.deadLetters(), p.partition())));
        var offsets = admin.listOffsets(tps.stream().collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get();
        return offsets.values().stream().mapToLong(o -> o.offset()).sum();
    }

}
