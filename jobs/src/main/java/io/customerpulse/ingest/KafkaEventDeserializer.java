package io.customerpulse.ingest;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventType;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads the three event topics; refuses instead of throwing (see {@link IngestRecord}). */
public class KafkaEventDeserializer implements KafkaRecordDeserializationSchema<IngestRecord> {
    private static final long serialVersionUID = 1L;

    private final TopicNames topics;
    private final EventDecoder decoder;

    public KafkaEventDeserializer(TopicNames topics, EventDecoder decoder) {
        this.topics = topics;
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestRecord> out) {
        EventType type = topics.typeOf(record.topic());
        if (type == null) {
            out.collect(IngestRecord.refused(DeadLetter.of(DeadLetterReason.UNDECODABLE,
                    "record from unexpected topic " + record.topic(), record.topic(), record.partition(),
                    record.offset(), record.key(), record.value())));
            return;
        }
        out.collect(decoder.decode(type, record.key(), record.value(), record.topic(), record.partition(),
                record.offset(), System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return TypeInformation.of(IngestRecord.class);
    }
}
