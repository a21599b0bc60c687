package io.customerpulse.cli;

import io.customerpulse.ingest.TopicNames;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The event topics and the Kafka client's settings, shared by every command that reads or writes
 * the events. Where the broker is, and its default, each kind of command says itself
 * ({@link LiveKafkaOptions}, {@link BackfillKafkaOptions}, and the launcher's commands that use the
 * local cluster's broker); only the live jobs write the dead-letter topic. Kafka secrets (SASL, SSL) go in
 * --kafka-properties, never on the command line.
 */
public class KafkaTopicOptions {
    @Option(names = "--clicks-topic", defaultValue = "clicks", description = "Topic of click events. Default: ${DEFAULT-VALUE}.")
    public String clicksTopic;

    @Option(names = "--purchases-topic", defaultValue = "purchases", description = "Topic of purchase events. Default: ${DEFAULT-VALUE}.")
    public String purchasesTopic;

    @Option(names = "--shares-topic", defaultValue = "shares", description = "Topic of share events. Default: ${DEFAULT-VALUE}.")
    public String sharesTopic;

    @Option(names = "--kafka-properties", paramLabel = "<file>",
            description = "A Java properties file of Kafka client settings (security.protocol, sasl.jaas.config, ssl.*, ...) passed to every consumer and producer.")
    public Path kafkaPropertiesFile;

    /** The topics; the dead-letter topic is the default one unless a subclass takes it as an option. */
    public TopicNames topics() {
        return new TopicNames(clicksTopic, purchasesTopic, sharesTopic, TopicNames.DEFAULTS.deadLetters());
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
