package io.customerpulse.events;

import java.io.Serializable;
import java.time.Duration;

/**
 * Which copies of an event id count (README "Duplicates"): taken in event-time order, a copy is a
 * duplicate when a copy of the same id was <em>counted</em> less than the dedup horizon before it;
 * otherwise it counts. So of copies within the horizon the earliest counts, and an id counts again
 * once the horizon after its counted copy has passed (copies at days 0, 5 and 10 with a 7-day
 * horizon: days 0 and 10 count). The outcome depends on the copies alone, never on the order in
 * which they arrive.
 *
 * <p>How a keyed operator carries it out: an arriving copy that is not late is held until the
 * watermark passes it, and the operator asks {@link #countsWhenApplied} as it applies its held
 * events in event-time order, remembering the time of every counted copy. A copy that arrives
 * later but happened earlier is therefore decided before the copies after it, which cannot have
 * been applied yet (they are ahead of the watermark, which is behind the arriving copy).
 * {@link #isDuplicateOnArrival} drops, already on arrival, the copies whose fate is sealed: the
 * common at-least-once re-sends.
 *
 * <p>What an operator must remember per id is the time of its last counted copy, and only until
 * {@link #forgettableFrom}: then no copy that is not late can be within the horizon of it.
 */
public final class DuplicateRule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long horizonMs;

    public DuplicateRule(Duration horizon) {
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("dedup horizon must be positive: " + horizon);
        }
        this.horizonMs = horizon.toMillis();
    }

    /**
     * Whether an arriving copy can be dropped at once.
     *
     * @param countedAt time of the id's last counted (applied) copy, or null if none is remembered
     * @param copyHeldAtSameInstant whether a copy of the id with the same event time is already held:
     *                              of two such copies at most one counts, and it may be the held one
     * @param late whether the copy is behind the event-time clock (then it will not be applied)
     * @return true for a duplicate; false for a copy to hold (or, if late, to refuse as late)
     */
    public boolean isDuplicateOnArrival(Long countedAt, long eventTime, boolean copyHeldAtSameInstant, boolean late) {
        if (copyHeldAtSameInstant) {
            return true;
        }
        if (countedAt == null) {
            return false;
        }
        if (late) {
            // It cannot be applied: within the horizon of a counted copy, on either side, the id
            // already counts once, so it is a duplicate rather than a late event.
            return Math.abs(eventTime - countedAt) < horizonMs;
        }
        // A counted copy is behind the watermark, so no copy arriving from now on (ahead of the
        // watermark) can come before it: it stays counted and this copy is within its horizon.
        return countedAt <= eventTime && eventTime - countedAt < horizonMs;
    }

    /**
     * Whether a held copy counts, asked as the copies are applied in event-time order.
     *
     * @param countedAt time of the id's last counted copy, or null if none is remembered
     * @return true if it counts (remember its time), false for a duplicate
     */
    public boolean countsWhenApplied(Long countedAt, long eventTime) {
        // Applied in event-time order, a counted copy is at or before this one. It can be after it
        // only when a restore lowered the late boundary below where this key had got to (the
        // smallest watermark of all subtasks); then the id has counted once already, and it
        // stays counted once: a duplicate on either side within the horizon.
        return countedAt == null || Math.abs(eventTime - countedAt) >= horizonMs;
    }

    /** From when the id of a copy counted at {@code countedAt} need not be remembered. */
    public long forgettableFrom(long countedAt) {
        return countedAt + horizonMs;
    }
}
