package io.customerpulse.local;

import io.customerpulse.ingest.TopicNames;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A real Kafka broker (KRaft, combined broker and controller) running in this JVM, on a free
 * loopback port. Its log lives in a temporary directory that is deleted on close.
 */
public final class LocalKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static LocalKafka start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        // The test kit's formatter prints its bootstrap metadata to stdout; keep the terminal clean.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * Creates the event topics with {@code partitions} partitions each, and the dead-letter topic.
     * Retention is unlimited: replayed history carries its event times as record timestamps, which
     * time-based retention would delete at once.
     */
    public void createTopics(TopicNames topics, int partitions) throws ExecutionException, InterruptedException {
        createTopics(bootstrapServers(), topics, partitions);
    }

    /** {@link #createTopics(TopicNames, int)} on any broker; topics that exist are left as they are. */
    public static void createTopics(String bootstrapServers, TopicNames topics, int partitions)
            throws ExecutionException, InterruptedException {
        Map<String, String> keepForever = Map.of("retention.ms", "-1");
        List<NewTopic> wanted = new ArrayList<>();
        for (String topic : topics.eventTopics()) {
            wanted.add(new NewTopic(topic, partitions, (short) 1).configs(keepForever));
        }
        wanted.add(new NewTopic(topics.deadLetters(), 1, (short) 1).configs(keepForever));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (NewTopic topic : wanted) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
