package io.customerpulse.cli;

import picocli.CommandLine.Option;

/**
 * A backfill's Kafka, read with --from-kafka. Without --bootstrap-servers the job submitted to a
 * cluster reads a broker on its machine; ./pulse backfill reads the local cluster's, as it writes
 * to the local cluster's PostgreSQL.
 */
public class BackfillKafkaOptions extends KafkaTopicOptions {
    /** The broker a backfill reads without --bootstrap-servers, outside ./pulse. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    @Option(names = "--bootstrap-servers", paramLabel = "<host:port,...>",
            description = "With --from-kafka: Kafka bootstrap servers. Default: " + DEFAULT_BOOTSTRAP_SERVERS
                    + "; ./pulse backfill: the local cluster's broker while ./pulse cluster start runs it, else "
                    + DEFAULT_BOOTSTRAP_SERVERS + ".")
    public String bootstrapServers;
}
