package io.customerpulse.local;

import io.customerpulse.cli.KafkaTopicOptions;

import picocli.CommandLine.Option;

/**
 * The Kafka of the launcher's commands that work beside the local cluster (replay, sql): its
 * broker unless --bootstrap-servers names another. They write no dead letters to Kafka, so they
 * take no dead-letter topic.
 */
final class LocalKafkaOptions extends KafkaTopicOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "<host:port,...>",
            description = "Kafka bootstrap servers. Default: the local cluster's broker (./pulse cluster start).")
    String bootstrapServers;

    /** --bootstrap-servers, or the broker of {@code cluster}. */
    String bootstrapServers(LocalCluster cluster) {
        return bootstrapServers != null ? bootstrapServers : cluster.runningKafka();
    }
}
