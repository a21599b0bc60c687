package io.customerpulse.cli;

import io.customerpulse.ingest.TopicNames;

import picocli.CommandLine.Option;

/** The live jobs' Kafka: {@link KafkaOptions} and the topic they write refused records to. */
public class LiveKafkaOptions extends KafkaOptions {
    @Option(names = "--dead-letter-topic", defaultValue = "pulse-dead-letters",
            description = "Topic that receives refused records with the reason in headers. Default: ${DEFAULT-VALUE}.")
    public String deadLetterTopic;

    @Override
    public TopicNames topics() {
        return new TopicNames(clicksTopic, purchasesTopic, sharesTopic, deadLetterTopic);
    }
}
