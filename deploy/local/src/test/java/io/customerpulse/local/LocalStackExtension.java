package io.customerpulse.local;

import io.customerpulse.ingest.TopicNames;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Kafka broker with the event topics and a real PostgreSQL for a test class:
 * {@code @RegisterExtension static final LocalStackExtension STACK = new LocalStackExtension(2);},
 * or the PostgreSQL alone: {@link #postgresOnly()}.
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {
    public static final TopicNames TOPICS = TopicNames.DEFAULTS;

    private final int partitions;
    private Path dir;
    private LocalKafka kafka;
    private LocalPostgres postgres;

    /** @param partitions of each event topic; 0 starts no Kafka */
    public LocalStackExtension(int partitions) {
        this.partitions = partitions;
    }

    /** A real PostgreSQL for a test class, without Kafka. */
    public static LocalStackExtension postgresOnly() {
        return new LocalStackExtension(0);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("pulse-stack");
        if (partitions > 0) {
            kafka = LocalKafka.start();
            kafka.createTopics(TOPICS, partitions);
        }
        postgres = LocalPostgres.start(dir.resolve("pg"), 0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (dir != null) {
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(dir.toFile());
        }
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    /**
     * {@code job} configured to read this stack's topics as consumer group {@code groupId} and
     * write to {@code jdbcUrl} (as the app user), checkpointing into a directory of its own, with
     * {@code options} on top (lateness, intervals, parallelism, ...).
     */
    public <J extends io.customerpulse.cli.PulseJob> J liveJob(J job, String jdbcUrl, String groupId, List<String> options)
            throws java.io.IOException {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--jdbc-url", jdbcUrl, "--jdbc-user", LocalPostgres.APP_USER, "--group-id", groupId,
                "--checkpoint-dir", directory("cp-" + groupId).toUri().toString()));
        args.addAll(options);
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        job.jdbc.password = postgres.appTarget().password();
        return job;
    }

    /** A fresh directory for checkpoints and the like. */
    public Path directory(String name) throws java.io.IOException {
        return Files.createDirectories(dir.resolve(name));
    }
}
