package io.customerpulse.ingest;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Map;

/** Admitted events to the main output (counted by type), refusals to {@link #DEAD_LETTERS}. */
public class IngestRouter extends ProcessFunction<IngestRecord, PulseEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("refused-at-ingest", TypeInformation.of(DeadLetter.class));

    public static final String RECORDS_READ = "records.read";
    public static final String EVENTS_ACCEPTED = "events.accepted";
    /** Wall-clock milliseconds of the first and the last record read: a run's ingest rate, exactly. */
    public static final String FIRST_READ_AT = "records.first-read-at";
    public static final String LAST_READ_AT = "records.last-read-at";

    private transient Map<EventType, Counter> eventsIn;
    private transient LongCounter recordsRead;
    private transient LongCounter eventsAccepted;
    private transient LongMinimum firstReadAt;
    private transient LongMaximum lastReadAt;

    @Override
    public void open(OpenContext openContext) {
        recordsRead = getRuntimeContext().getLongCounter(RECORDS_READ);
        eventsAccepted = getRuntimeContext().getLongCounter(EVENTS_ACCEPTED);
        firstReadAt = new LongMinimum();
        lastReadAt = new LongMaximum();
        getRuntimeContext().addAccumulator(FIRST_READ_AT, firstReadAt);
        getRuntimeContext().addAccumulator(LAST_READ_AT, lastReadAt);
        eventsIn = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            eventsIn.put(type, getRuntimeContext().getMetricGroup().addGroup("event_type", type.word()).counter("eventsIn"));
        }
    }

    @Override
    public void processElement(IngestRecord record, Context ctx, Collector<PulseEvent> out) {
        recordsRead.add(1);
        long now = System.currentTimeMillis();
        if (firstReadAt.getLocalValuePrimitive() == Long.MAX_VALUE) {
            firstReadAt.add(now);
        }
        lastReadAt.add(now);
        if (record.isEvent()) {
            eventsIn.get(record.event.type).inc();
            eventsAccepted.add(1);
            out.collect(record.event);
        } else {
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
