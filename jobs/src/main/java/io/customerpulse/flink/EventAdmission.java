package io.customerpulse.flink;

import io.customerpulse.events.DuplicateRule;
import io.customerpulse.events.PulseEvent;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.TimerService;

import java.time.Duration;

/**
 * The checks every keyed operator makes on an event, carrying out {@link DuplicateRule}: on
 * arrival ({@link #admit}) a copy whose fate is already sealed is dropped as a duplicate (metric
 * {@code duplicatesDropped}); an event behind the event-time clock is late (metric
 * {@code lateEvents}, the caller dead-letters it); anything else is admitted, for the caller to
 * hold until the watermark passes it. As the caller applies its held events in event-time order
 * it asks {@link #counts} of each: the first copy of an id in event time counts and is remembered,
 * whatever the order the copies arrived in; the others are duplicates (counted there, once).
 *
 * <p>The owning function implements {@code CheckpointedFunction} and calls
 * {@link #initializeState} from its {@code initializeState} and {@link #snapshotState} from its
 * {@code snapshotState}; {@link #open} from its {@code open}.
 */
public final class EventAdmission {
    public enum Verdict { ADMITTED, DUPLICATE, LATE }

    private final String name;
    private final DuplicateRule rule;
    private final LateBoundary late = new LateBoundary();
    private Counter duplicates;
    private Counter lateEvents;
    private org.apache.flink.api.common.accumulators.LongCounter duplicatesTotal;
    private long lastBoundary;

    public EventAdmission(String name, Duration dedupHorizon) {
        this.name = name;
        this.rule = new DuplicateRule(dedupHorizon);
    }

    public void initializeState(FunctionInitializationContext context) throws Exception {
        late.initialize(context, name + "-watermark-at-checkpoint");
    }

    public void snapshotState() throws Exception {
        late.snapshot();
    }

    public void open(RuntimeContext context) {
        duplicates = context.getMetricGroup().counter("duplicatesDropped");
        lateEvents = context.getMetricGroup().counter("lateEvents");
        duplicatesTotal = context.getLongCounter(duplicatesAccumulator(name));
    }

    /** The accumulator counting the duplicates an admission of this name dropped. */
    public static String duplicatesAccumulator(String name) {
        return name + ".duplicates";
    }

    /**
     * The verdict on an arriving event; an admitted one is to be held until the watermark passes it
     * and then to go through {@link #counts}.
     *
     * @param copyHeldAtSameInstant whether the caller already holds an event with the same id and
     *                              event time
     * @param counted the key's counted ids
     */
    public Verdict admit(PulseEvent event, boolean copyHeldAtSameInstant, TimerService timers, CountedIds counted)
            throws Exception {
        boolean isLate = isBehindClock(event, timers);
        if (rule.isDuplicateOnArrival(counted.countedAt(event.eventId), event.eventTime, copyHeldAtSameInstant, isLate)) {
            dropped();
            return Verdict.DUPLICATE;
        }
        if (isLate) {
            lateEvents.inc();
            return Verdict.LATE;
        }
        return Verdict.ADMITTED;
    }

    /**
     * Whether an arriving event is behind the event-time clock: then only {@link #admit}, with the
     * key's counted ids, tells a late event from a duplicate of one that counted.
     */
    public boolean isBehindClock(PulseEvent event, TimerService timers) {
        lastBoundary = late.boundary(timers);
        // A watermark W promises no more events at or before W.
        return lastBoundary != Long.MIN_VALUE && event.eventTime <= lastBoundary;
    }

    /**
     * The verdict on an arriving event that is not behind the clock ({@link #isBehindClock}), for a
     * caller that holds it without reading the key's counted ids: only a copy held at the same
     * instant is dropped now. A copy of a counted id is held and found a duplicate when applied
     * ({@link #counts}), the verdict {@link #admit} would have given on arrival: a counted copy is
     * behind the clock and this one ahead of it, so the two rules agree on it.
     */
    public Verdict admitAheadOfClock(boolean copyHeldAtSameInstant) {
        if (copyHeldAtSameInstant) {
            dropped();
            return Verdict.DUPLICATE;
        }
        return Verdict.ADMITTED;
    }

    /**
     * Whether an admitted event counts, asked when it is applied (in event-time order): if so its id
     * is remembered, else it is a duplicate and counted as one.
     */
    public boolean counts(PulseEvent event, CountedIds counted) throws Exception {
        if (!rule.countsWhenApplied(counted.countedAt(event.eventId), event.eventTime)) {
            dropped();
            return false;
        }
        counted.remember(event.eventId, event.eventTime);
        return true;
    }

    /** Forgets the ids in {@code counted} that no event after {@code now} can be a duplicate of. */
    public void forgetExpired(CountedIdList counted, long now) {
        counted.forget(countedAt -> rule.forgettableFrom(countedAt) <= now);
    }

    private void dropped() {
        duplicates.inc();
        duplicatesTotal.add(1);
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

    /**
     * Counted ids in a MapState of their own, forgotten by the caller's sweeps, for keys whose
     * state has no value to keep them in (see {@link CountedIdList} for those that have one).
     */
    public RecentEventIds recentEventIds(RuntimeContext context) {
        return new RecentEventIds(context, name + "-seen-event-ids", rule);
    }
}
