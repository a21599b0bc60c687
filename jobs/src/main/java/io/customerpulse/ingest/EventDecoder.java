package io.customerpulse.ingest;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.PulseEvent;

import java.io.Serializable;

/**
 * Bytes in, {@link IngestRecord} out: decode the wire format, map, validate. Never throws; every
 * failure becomes a dead letter carrying the original bytes and where they came from. Shared by
 * the Kafka source and file backfills so both refuse exactly the same records.
 */
public final class EventDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final EventValidator validator;
    private transient EventCodec codec;

    public EventDecoder(EventValidator validator) {
        this.validator = validator;
    }

    public IngestRecord decode(EventType type, byte[] key, byte[] value, String topic, int partition, long offset,
                               long wallClockMillis) {
        if (codec == null) {
            codec = new EventCodec();
        }
        try {
            PulseEvent event = EventMapper.toPulseEvent(codec.decode(type, value));
            return admit(event, key, value, topic, partition, offset, wallClockMillis);
        } catch (EventCodec.DecodeException e) {
            return IngestRecord.refused(DeadLetter.of(e.reason(), e.getMessage(), topic, partition, offset, key, value));
        } catch (RuntimeException e) {
            // A record that decodes but cannot be mapped (e.g. an amount with more than 2 decimals).
            return IngestRecord.refused(DeadLetter.of(DeadLetterReason.UNDECODABLE,
                    "cannot read " + type.word() + ": " + e, topic, partition, offset, key, value));
        }
    }

    /** Validates an already-decoded event; the bytes are kept for the dead letter. */
    public IngestRecord admit(PulseEvent event, byte[] key, byte[] value, String topic, int partition, long offset,
                              long wallClockMillis) {
        EventValidator.Refusal refusal = validator.check(event, wallClockMillis);
        if (refusal != null) {
            return IngestRecord.refused(DeadLetter.of(refusal.reason(), refusal.detail(), topic, partition, offset, key, value));
        }
        event.sourceTopic = topic;
        event.sourcePartition = partition;
        event.sourceOffset = offset;
        return IngestRecord.of(event);
    }
}
