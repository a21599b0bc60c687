package io.customerpulse.ingest;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;

/**
 * What the Kafka source emits for each record: either an admitted event or a dead letter.
 * Refusals travel in the stream, not as exceptions, because an exception in a deserializer makes
 * the source restart at the same offset forever.
 */
public class IngestRecord {
    public PulseEvent event;
    public DeadLetter deadLetter;

    public IngestRecord() {}

    public static IngestRecord of(PulseEvent event) {
        IngestRecord r = new IngestRecord();
        r.event = event;
        return r;
    }

    public static IngestRecord refused(DeadLetter deadLetter) {
        IngestRecord r = new IngestRecord();
        r.deadLetter = deadLetter;
        return r;
    }

    public boolean isEvent() {
        return event != null;
    }

    /** The event time for watermarks; refusals must not move the clock. */
    public long timestamp() {
        return event != null ? event.eventTime : Long.MIN_VALUE;
    }
}
