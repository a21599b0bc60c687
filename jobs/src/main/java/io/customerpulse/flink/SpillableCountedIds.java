package io.customerpulse.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;

import java.time.Duration;

/**
 * A key's counted event ids in its own state value ({@link CountedIdList}) while they are few,
 * and in a MapState of their own ({@link RecentEventIds}) once more than a cap are remembered at
 * once: a key with a handful of ids within the dedup horizon pays a few bytes of the value it reads
 * anyway, and a busy one (a bot, a replayed burst) does not have all its ids rewritten with each
 * of its events.
 *
 * <p>The owner keeps two things in its value: the list, and when the spilled ids are next swept
 * ({@link #IN_VALUE} while they are in the list). Spilled ids are swept at most every quarter
 * horizon (ids are kept a little longer than they count, which changes no verdict), and come back
 * into the value once a sweep leaves none.
 */
public final class SpillableCountedIds {
    /** The owner's "spilled ids next swept at" while the ids are in its value. */
    public static final long IN_VALUE = Long.MAX_VALUE;

    private final EventAdmission admission;
    private final RecentEventIds spilled;
    private final int capacity;
    private final long sweepEveryMs;
    private final Counter spills;

    /**
     * @param capacity ids the value carries; beyond them they move to the MapState
     * @param spills counts the keys whose ids moved
     */
    public SpillableCountedIds(EventAdmission admission, RuntimeContext context, int capacity, Duration dedupHorizon,
                               Counter spills) {
        this.admission = admission;
        this.spilled = admission.recentEventIds(context);
        this.capacity = capacity;
        this.sweepEveryMs = dedupHorizon.toMillis() / 4;
        this.spills = spills;
    }

    /** The key's counted ids, wherever they are. */
    public CountedIds of(CountedIdList inValue, long spilledSweepAt) {
        return spilledSweepAt == IN_VALUE ? inValue : spilled;
    }

    /**
     * Forgets the ids past the dedup horizon at {@code now}: in the value a pass over a short list;
     * beyond {@link #capacity} ids, they move to the MapState (the list is emptied), which is swept
     * when due.
     *
     * @return when the spilled ids are next swept, {@link #IN_VALUE} while they are in the value
     */
    public long forgetExpired(CountedIdList inValue, long spilledSweepAt, long now) throws Exception {
        if (spilledSweepAt == IN_VALUE) {
            admission.forgetExpired(inValue, now);
            if (inValue.size() <= capacity) {
                return IN_VALUE;
            }
            for (int i = 0; i < inValue.size(); i++) {
                spilled.remember(inValue.id(i), inValue.countedAt(i));
            }
            inValue.forget(countedAt -> true);
            spills.inc();
            return now + sweepEveryMs;
        }
        if (now < spilledSweepAt) {
            return spilledSweepAt;
        }
        long next = spilled.sweep(now);
        return next == RecentEventIds.NO_SWEEP ? IN_VALUE : Math.max(next, now + sweepEveryMs);
    }

    /**
     * Keeps one timer armed to forget the key's ids if nothing else touches its state first: at
     * the instant the newest id in the value may be forgotten (rounded up to the hour, so one timer
     * clears them all), or the spilled ids' sweep. A timer already armed is kept: it fires, forgets
     * what it can and arms the next.
     *
     * @param armedAt the key's forget timer, {@link Long#MAX_VALUE} if none
     * @param now the key's time: a timer at or before it has fired
     * @return the key's forget timer from now on, {@link Long#MAX_VALUE} if none
     */
    public long keepForgetTimer(CountedIdList inValue, long spilledSweepAt, long armedAt, long now,
                                TimerService timers) {
        if (armedAt <= now) {
            armedAt = Long.MAX_VALUE; // fired
        }
        long due = forgetAllDue(inValue, spilledSweepAt);
        if (due == IN_VALUE || armedAt != Long.MAX_VALUE) {
            return armedAt;
        }
        EventTimers.register(timers, due);
        return due;
    }

    /** When all of the key's ids may be forgotten, or {@link #IN_VALUE} when nothing is remembered. */
    private long forgetAllDue(CountedIdList inValue, long spilledSweepAt) {
        if (spilledSweepAt != IN_VALUE) {
            return spilledSweepAt;
        }
        if (inValue.size() == 0) {
            return IN_VALUE;
        }
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < inValue.size(); i++) {
            newest = Math.max(newest, inValue.countedAt(i));
        }
        return spilled.sweepDueFor(newest);
    }
}
