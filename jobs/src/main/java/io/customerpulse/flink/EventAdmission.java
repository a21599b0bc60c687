package io.customerpulse.flink;

import io.customerpulse.events.PulseEvent;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.TimerService;

import java.time.Duration;

/**
 * The check every keyed operator makes on an arriving event: a duplicate of an event accepted
 * within the dedup horizon is dropped (metric {@code duplicatesDropped}); an event behind the
 * event-time clock is late (metric {@code lateEvents}, the caller dead-letters it); anything else
 * is admitted and its id remembered.
 *
 * <p>The owning function implements {@code CheckpointedFunction} and calls
 * {@link #initializeState} from its {@code initializeState} and {@link #snapshotState} from its
 * {@code snapshotState}; {@link #open} from its {@code open}.
 */
public final class EventAdmission {
    public enum Verdict { ADMITTED, DUPLICATE, LATE }

    private final String name;
    private final Duration dedupHorizon;
    private final LateBoundary late = new LateBoundary();
    private RecentEventIds seen;
    private Counter duplicates;
    private Counter lateEvents;
    private org.apache.flink.api.common.accumulators.LongCounter duplicatesTotal;
    private long lastBoundary;

    public EventAdmission(String name, Duration dedupHorizon) {
        this.name = name;
        this.dedupHorizon = dedupHorizon;
    }

    public void initializeState(FunctionInitializationContext context) throws Exception {
        late.initialize(context, name + "-watermark-at-checkpoint");
    }

    public void snapshotState() throws Exception {
        late.snapshot();
    }

    public void open(RuntimeContext context) {
        seen = new RecentEventIds(context, name + "-seen-event-ids", dedupHorizon);
        duplicates = context.getMetricGroup().counter("duplicatesDropped");
        lateEvents = context.getMetricGroup().counter("lateEvents");
        duplicatesTotal = context.getLongCounter(duplicatesAccumulator(name));
    }

    /** The accumulator counting the duplicates an admission of this name dropped. */
    public static String duplicatesAccumulator(String name) {
        return name + ".duplicates";
    }

    public Verdict admit(PulseEvent event, TimerService timers) throws Exception {
        if (seen.isDuplicate(event.eventId, event.eventTime)) {
            duplicates.inc();
            duplicatesTotal.add(1);
            return Verdict.DUPLICATE;
        }
        lastBoundary = late.boundary(timers);
        // A watermark W promises no more events at or before W.
        if (lastBoundary != Long.MIN_VALUE && event.eventTime <= lastBoundary) {
            lateEvents.inc();
            return Verdict.LATE;
        }
        seen.remember(event.eventId, event.eventTime);
        return Verdict.ADMITTED;
    }

    /** Why the last refused event was late, for its dead letter. */
    public String lateDetail() {
        return "event_time is behind the job's event-time clock " + java.time.Instant.ofEpochMilli(lastBoundary)
                + " by more than the allowed lateness";
    }

    /** From {@code onTimer}: lets a checkpoint read the watermark even before the first event. */
    public void observe(TimerService timers) {
        late.observe(timers);
    }

    /** The remembered ids, for their sweeps and for forgetting an event refused later. */
    public RecentEventIds seenEventIds() {
        return seen;
    }
}
