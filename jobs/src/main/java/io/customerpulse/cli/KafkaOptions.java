package io.customerpulse.cli;

import picocli.CommandLine.Option;

/** Where the events are: a broker (by default on this machine), the topics and the client's settings. */
public class KafkaOptions extends KafkaTopicOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "<host:port,...>",
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
    public String bootstrapServers;
}
