package io.customerpulse.flink;

import io.customerpulse.events.DuplicateRule;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.Iterator;
import java.util.Map;

/**
 * The event ids a key counted within the dedup horizon, each with the event time of its last
 * counted copy: the memory {@link DuplicateRule} decides on (that class says which copy counts).
 *
 * <p>Ids are remembered when a copy is applied, not when it arrives, so what is remembered is
 * final. Forgetting runs on event time (a sweep timer), not processing-time TTL, and only drops
 * ids no future event can be within the horizon of; sweeps are rounded up to the hour so that one
 * sweep clears many ids.
 */
public final class RecentEventIds implements CountedIds {
    public static final long NO_SWEEP = Long.MAX_VALUE;
    static final long SWEEP_GRANULARITY_MS = 3_600_000L;

    private final MapState<String, Long> timeById;
    private final DuplicateRule rule;

    public RecentEventIds(RuntimeContext context, String name, DuplicateRule rule) {
        this.timeById = context.getMapState(new MapStateDescriptor<>(name, Types.STRING, Types.LONG));
        this.rule = rule;
    }

    @Override
    public Long countedAt(String eventId) throws Exception {
        return timeById.get(eventId);
    }

    @Override
    public void remember(String eventId, long eventTime) throws Exception {
        timeById.put(eventId, eventTime);
    }

    /** When the id of an event at {@code eventTime} may be forgotten (rounded up to the hour). */
    public long sweepDueFor(long eventTime) {
        return roundUp(rule.forgettableFrom(eventTime), SWEEP_GRANULARITY_MS);
    }

    /**
     * Forgets every id older than the horizon at {@code now}.
     *
     * @return when the next sweep is due, or {@link #NO_SWEEP} when nothing is remembered
     */
    public long sweep(long now) throws Exception {
        long oldestKept = Long.MAX_VALUE;
        Iterator<Map.Entry<String, Long>> it = timeById.iterator();
        while (it.hasNext()) {
            long eventTime = it.next().getValue();
            if (rule.forgettableFrom(eventTime) <= now) {
                it.remove();
            } else {
                oldestKept = Math.min(oldestKept, eventTime);
            }
        }
        if (oldestKept == Long.MAX_VALUE) {
            timeById.clear(); // drops the empty map itself, not only its entries
            return NO_SWEEP;
        }
        return sweepDueFor(oldestKept);
    }

    static long roundUp(long t, long granularity) {
        return Math.floorDiv(t + granularity - 1, granularity) * granularity;
    }
}
