package io.customerpulse.flink;

import io.customerpulse.events.CarriesEvent;

import org.apache.flink.streaming.api.TimerService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Events admitted ahead of the watermark and not yet applied, held on the heap of one parallel
 * instance, per key, until the watermark passes them.
 *
 * <p>Why the heap: an event held in the key's RocksDB value costs a read and a write of that value
 * on arrival, and the key's value is read and written again when the watermark passes the event.
 * Held here, arrival touches no keyed state (and no timer, when the owner releases the events at
 * each watermark, below), and the event is applied with the one read and write its release costs
 * anyway. What is held is bounded by the traffic's rate in event time times the allowed lateness,
 * not by the number of keys; the owner caps it ({@link #size}) and holds in keyed state beyond the
 * cap, as while the watermark stands still.
 *
 * <p>When are a key's events due? Either the owner arms an event-time timer at each key's earliest
 * held event ({@link #hold} says when), or it asks, at each watermark, for the keys whose earliest
 * event the watermark has passed ({@link #trackDueOrder}, {@link #releaseDue}): no timer at all
 * (on RocksDB a timer is a write when armed, and a delete and reads of the queue when it fires).
 *
 * <p>Not checkpointed by itself: the owner writes {@link #all} into operator state at each
 * checkpoint and gives it back to {@link #restore}, which keeps the keys of its own key groups
 * (with rescaling, every instance reads every instance's events).
 *
 * @param <T> what is held: the event itself, or the event with what was decided about it upstream
 */
public final class PendingEvents<T extends CarriesEvent> {
    /** How many events an owner holds here by default (about 30 MB of the heap). */
    public static final int DEFAULT_LIMIT = 100_000;

    private final Map<String, HeldEventList<T>> byKey = new HashMap<>();
    private int size;
    /**
     * While tracked ({@link #trackDueOrder}), an entry at or before every key's earliest held
     * event, earliest first. Entries whose events were released since are skipped when they come
     * up, so a key may have more than one.
     */
    private PriorityQueue<Due> dueOrder;

    private boolean releasingDue;

    /**
     * An entry of {@link #dueOrder}: the key and its list of held events as they were when queued.
     * The list tells the entry's key's earliest event without a lookup by key; once emptied (every
     * event of the key released) the entry is stale, and a key that holds again gets a new list
     * and a new entry. Comparable on the time: the queue then compares without going through a
     * comparator (the comparator's lambda had 5% of the retention timeline's samples at 10^5 users).
     */
    private record Due(long time, String key, HeldEventList<?> held) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            return Long.compare(time, other.time);
        }
    }

    /** What {@link #releaseDue} hands each due key to. */
    @FunctionalInterface
    public interface DueKey {
        /**
         * Releases the key's due events ({@link #releaseUpTo}).
         *
         * @param earliest the time of the key's earliest held event
         */
        void release(String key, long earliest) throws Exception;
    }

    /** The key's held events, or null if none. */
    public HeldEventList<T> of(String key) {
        return byKey.get(key);
    }

    /**
     * Holds {@code item} (an event, or one with what was decided about it upstream) for {@code key}.
     *
     * @return whether it is now the key's earliest held event: an owner releasing by timers arms
     *     one at its time
     */
    public boolean hold(String key, T item) {
        HeldEventList<T> held = byKey.get(key);
        if (held == null) {
            held = new HeldEventList<>();
            byKey.put(key, held);
        }
        long time = item.event().eventTime;
        boolean earliest = time < held.earliestTime();
        held.add(item);
        size++;
        if (earliest && dueOrder != null) {
            dueOrder.add(new Due(time, key, held));
        }
        return earliest;
    }

    /**
     * The key's events at or before {@code time}, in {@link HeldEventList#ITEM_ORDER}, no longer
     * held (an empty list if none).
     */
    public List<T> releaseUpTo(String key, long time) {
        HeldEventList<T> held = byKey.get(key);
        if (held == null) {
            return List.of();
        }
        List<T> due = held.releaseUpTo(time);
        size -= due.size();
        if (held.isEmpty()) {
            byKey.remove(key);
        } else if (dueOrder != null && !due.isEmpty()) {
            dueOrder.add(new Due(held.earliestTime(), key, held));
        }
        return due;
    }

    /**
     * From the owner's {@code onTimer}: the key's events at or before {@code time}, as
     * {@link #releaseUpTo(String, long)}; an owner releasing by timers (not {@link #trackDueOrder})
     * gets one armed at the key's earliest event still held.
     */
    public List<T> releaseUpTo(String key, long time, TimerService timers) {
        List<T> due = releaseUpTo(key, time);
        long next = earliestTime(key);
        if (next != Long.MAX_VALUE && dueOrder == null) {
            EventTimers.register(timers, next); // a set: armed once however often this runs
        }
        return due;
    }

    /**
     * From now on keeps the keys in the order their earliest held events fall due, for
     * {@link #releaseDue}, starting with what is held now.
     */
    public void trackDueOrder() {
        dueOrder = new PriorityQueue<>();
        byKey.forEach((key, held) -> dueOrder.add(new Due(held.earliestTime(), key, held)));
    }

    /**
     * Hands every key whose earliest held event is at or before {@code watermark} to
     * {@code dueKey}, which releases its due events, earliest first; a key with events left that
     * are still due (released only in part) comes up again. Needs {@link #trackDueOrder}.
     *
     * @return whether any key was handed over
     */
    public boolean releaseDue(long watermark, DueKey dueKey) throws Exception {
        releasingDue = true;
        try {
            boolean any = false;
            while (!dueOrder.isEmpty() && dueOrder.peek().time <= watermark) {
                Due due = dueOrder.poll();
                long earliest = due.held.earliestTime(); // Long.MAX_VALUE once emptied
                if (earliest <= watermark) {
                    dueKey.release(due.key, earliest);
                    any = true;
                }
            }
            return any;
        } finally {
            releasingDue = false;
        }
    }

    /** Whether {@link #releaseDue} is running: the owner is handed a due key from it. */
    public boolean isReleasingDue() {
        return releasingDue;
    }

    /** Whether the owner asks for the due keys at each watermark ({@link #trackDueOrder}) instead of arming timers. */
    public boolean tracksDueOrder() {
        return dueOrder != null;
    }

    /** The earliest event time held for the key, or {@link Long#MAX_VALUE} if none. */
    public long earliestTime(String key) {
        HeldEventList<T> held = byKey.get(key);
        return held == null ? Long.MAX_VALUE : held.earliestTime();
    }

    /** How many events are held, over all keys. */
    public int size() {
        return size;
    }

    /** Every held event, for a checkpoint. */
    public List<T> all() {
        List<T> all = new ArrayList<>(size);
        for (HeldEventList<T> held : byKey.values()) {
            for (int i = 0; i < held.size(); i++) {
                all.add(held.get(i));
            }
        }
        return all;
    }

    /**
     * Replaces what is held with the events of a checkpoint whose keys this instance owns.
     *
     * @param keyOf the key of an event, as the stream is keyed
     * @param owns whether a key belongs to this instance's key groups
     */
    public void restore(Iterable<T> checkpointed, Function<T, String> keyOf, Predicate<Object> owns) {
        byKey.clear();
        size = 0;
        if (dueOrder != null) {
            dueOrder.clear();
        }
        for (T item : checkpointed) {
            String key = keyOf.apply(item);
            if (owns.test(key)) {
                hold(key, item);
            }
        }
    }
}
