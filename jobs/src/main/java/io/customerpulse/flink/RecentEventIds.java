package io.customerpulse.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.Iterator;
import java.util.Map;

/**
 * The event ids a key accepted within the dedup horizon, to drop at-least-once duplicates.
 *
 * <p>An event is a duplicate when an event with the same id was accepted less than the horizon
 * away from it in event time. The decision looks only at event times, never at when ids are
 * forgotten, so a backfill (which sees every event before any sweep) decides exactly as live
 * processing does. Forgetting runs on event time (a sweep timer), not processing-time TTL, and
 * only drops ids no future event can be within the horizon of; sweeps are rounded up to the hour
 * so that one sweep clears many ids.
 */
public final class RecentEventIds {
    public static final long NO_SWEEP = Long.MAX_VALUE;
    static final long SWEEP_GRANULARITY_MS = 3_600_000L;

    private final MapState<String, Long> timeById;
    private final long horizonMs;

    public RecentEventIds(RuntimeContext context, String name, java.time.Duration horizon) {
        this.timeById = context.getMapState(new MapStateDescriptor<>(name, Types.STRING, Types.LONG));
        this.horizonMs = horizon.toMillis();
    }

    /** Whether {@code eventId} at {@code eventTime} repeats an accepted event within the horizon. */
    public boolean isDuplicate(String eventId, long eventTime) throws Exception {
        Long accepted = timeById.get(eventId);
        return accepted != null && Math.abs(eventTime - accepted) < horizonMs;
    }

    public void remember(String eventId, long eventTime) throws Exception {
        timeById.put(eventId, eventTime);
    }

    public void forget(String eventId) throws Exception {
        timeById.remove(eventId);
    }

    /** When the id of an event at {@code eventTime} may be forgotten (rounded up to the hour). */
    public long sweepDueFor(long eventTime) {
        return roundUp(eventTime + horizonMs, SWEEP_GRANULARITY_MS);
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
            if (eventTime + horizonMs <= now) {
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
