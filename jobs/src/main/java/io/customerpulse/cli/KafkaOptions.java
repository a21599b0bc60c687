package io.customerpulse.cli;

import io.customerpulse.ingest.TopicNames;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where the events are. Kafka secrets (SASL, SSL) go in --kafka-properties, never on the command line. */
public class KafkaOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "<host:port,...>",
            description = "Kafka bootstrap servers. Default: ${DEFAULT-VALUE}.")
    public String bootstrapServers;

    @Option(names = "--clicks-topic", defaultValue = "clicks", description = "Topic of click events. Default: ${DEFAULT-VALUE}.")
    public String clicksTopic;

    @Option(names = "--purchases-topic", defaultValue = "purchases", description = "Topic of purchase events. Default: ${DEFAULT-VALUE}.")
    public String purchasesTopic;

    @Option(names = "--shares-topic", defaultValue = "shares", description = "Topic of share events. Default: ${DEFAULT-VALUE}.")
    public String sharesTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "pulse-dead-letters",
            description = "Topic that receives refused records with the reason in headers. Default: ${DEFAULT-VALUE}.")
    public String deadLetterTopic;

    @Option(names = "--kafka-properties", paramLabel = "<file>",
            description = "A Java properties file of Kafka client settings (security.protocol, sasl.jaas.config, ssl.*, ...) passed to every consumer and producer.")
    public Path kafkaPropertiesFile;

    public TopicNames topics() {
        return new TopicNames(clicksTopic, purchasesTopic, sharesTopic, deadLetterTopic);
    }

    /** The client properties from --kafka-properties (empty without it). */
    public Properties clientProperties() {
        Properties props = new Properties();
        if (kafkaPropertiesFile != null) {
            try (InputStream in = Files.newInputStream(kafkaPropertiesFile)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read --kafka-properties " + kafkaPropertiesFile, e);
            }
        }
        return props;
    }
}
