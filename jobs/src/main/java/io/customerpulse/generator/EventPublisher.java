package io.customerpulse.generator;

import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.ingest.TopicNames;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes events in the producers' wire format: key = user_id (so a user's events stay in one
 * partition, in order), value = Avro single-object encoding, topic by event type.
 */
public final class EventPublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicNames topics;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public EventPublisher(String bootstrapServers, TopicNames topics, Properties clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = topics;
    }

    /**
     * Publishes an event with its event time as the record timestamp, so Kafka can be searched by
     * time; never a timestamp in the future, which brokers refuse (message.timestamp.after.max.ms):
     * such an event still goes out, and the jobs refuse it as event_time_in_future.
     */
    public void publish(PulseEvent e) {
        long timestamp = Math.min(e.eventTime, System.currentTimeMillis());
        send(new ProducerRecord<>(topics.of(e.type), null, timestamp, e.userId.getBytes(StandardCharsets.UTF_8),
                EventCodec.encode(EventMapper.toAvro(e))));
    }

    public void publish(NoisyTraffic.WireRecord record) {
        publish(record.type(), record.key(), record.value());
    }

    public void publish(EventType type, byte[] key, byte[] value) {
        send(new ProducerRecord<>(topics.of(type), key, value));
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        throwIfAnySendFailed();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        sent.incrementAndGet();
    }

    public long sent() {
        return sent.get();
    }

    /**
     * Waits until every event handed over so far is acknowledged by the brokers.
     *
     * @throws IllegalStateException if any of them was not (its cause is the producer's error):
     *     a send fails asynchronously, so without this check a failure of the last batch, or of
     *     every batch when no broker answers, would pass as published
     */
    public void flush() {
        producer.flush();
        throwIfAnySendFailed();
    }

    private void throwIfAnySendFailed() {
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("Publishing failed: " + failed.getMessage(), failed);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
