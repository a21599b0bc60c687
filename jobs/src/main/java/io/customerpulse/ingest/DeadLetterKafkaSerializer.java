package io.customerpulse.ingest;

import io.customerpulse.events.DeadLetter;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A dead letter on the dead-letter topic: key and value exactly as read, and headers saying why
 * and from where, so an operator can inspect, fix and re-publish it.
 */
public class DeadLetterKafkaSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "pulse.reason";
    public static final String DETAIL = "pulse.detail";
    public static final String SOURCE_TOPIC = "pulse.source.topic";
    public static final String SOURCE_PARTITION = "pulse.source.partition";
    public static final String SOURCE_OFFSET = "pulse.source.offset";
    public static final String REFUSED_AT = "pulse.refused.at";
    /** Which job refused it: both jobs read the same topics and write to the same dead-letter topic. */
    public static final String JOB = "pulse.job";

    private final String topic;
    private final String job;

    public DeadLetterKafkaSerializer(String topic, String job) {
        this.topic = topic;
        this.job = job;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(d.reason));
        headers.add(DETAIL, bytes(d.detail));
        headers.add(SOURCE_TOPIC, bytes(d.sourceTopic));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(d.sourcePartition)));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(d.sourceOffset)));
        headers.add(REFUSED_AT, bytes(java.time.Instant.ofEpochMilli(d.refusedAt).toString()));
        headers.add(JOB, bytes(job));
        return new ProducerRecord<>(topic, null, null, d.key, d.payload, headers);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
