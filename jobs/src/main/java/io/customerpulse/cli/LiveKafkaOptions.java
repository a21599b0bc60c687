package io.customerpulse.cli;

import io.customerpulse.ingest.TopicNames;

import picocli.CommandLine.Option;

/** The live jobs' Kafka: the broker, the event topics, the topic refused records go to, the client's settings. */
public class LiveKafkaOptions extends KafkaTopicOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "<host:port,...>",
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
    public String bootstrapServers;

    @Option(names = "--dead-letter-topic", defaultValue = "pulse-dead-letters",
            description = "Topic that receives refused records with the reason in headers. Default: ${DEFAULT-VALUE}.")
    public String deadLetterTopic;

    @Override
    public TopicNames topics() {
        return new TopicNames(clicksTopic, purchasesTopic, sharesTopic, deadLetterTopic);
    }
}
