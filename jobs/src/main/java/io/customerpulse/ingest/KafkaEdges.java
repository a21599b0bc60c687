package io.customerpulse.ingest;

import io.customerpulse.events.DeadLetter;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.Properties;

/** The jobs' Kafka source of events, their dead-letter sink, and the event-time watermarks. */
public final class KafkaEdges {
    private KafkaEdges() {}

    /**
     * All three event topics in one source. Starts from the group's committed offsets (committed
     * on every checkpoint), or from the earliest offset for a new group.
     */
    public static KafkaSource<IngestRecord> eventSource(
            String bootstrapServers, TopicNames topics, String groupId, Properties clientProperties, EventDecoder decoder) {
        return eventSource(bootstrapServers, topics, groupId, clientProperties, decoder,
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
    }

    /** The event topics from the given starting offsets (a live start after history: by timestamp). */
    public static KafkaSource<IngestRecord> eventSource(String bootstrapServers, TopicNames topics, String groupId,
            Properties clientProperties, EventDecoder decoder, OffsetsInitializer startingOffsets) {
        return KafkaSource.<IngestRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topics.eventTopics())
                .setGroupId(groupId)
                .setStartingOffsets(startingOffsets)
                .setDeserializer(new KafkaEventDeserializer(topics, decoder))
                .setProperties(clientProperties)
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers, String topic, String job,
                                                      Properties clientProperties) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(clientProperties)
                .setRecordSerializer(new DeadLetterKafkaSerializer(topic, job))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
