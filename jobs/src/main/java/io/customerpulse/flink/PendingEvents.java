package io.customerpulse.flink;

import io.customerpulse.events.PulseEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Events admitted ahead of the watermark and not yet applied, held on the heap of one parallel
 * instance, per key, until the watermark passes them.
 *
 * <p>Why the heap: an event held in the key's RocksDB value costs a read and a write of that value
 * on arrival, and the key's value is read and written again when the watermark passes the event.
 * Held here, arrival touches no keyed state but a timer (when the event is its key's earliest),
 * and the event is applied with the one read and write its release costs anyway. What is held is
 * bounded by the traffic's rate in event time times the allowed lateness, not by the number of
 * keys; the owner caps it ({@link #size}) and holds in keyed state beyond the cap, as while the
 * watermark stands still.
 *
 * <p>Not checkpointed by itself: the owner writes {@link #all} into operator state at each
 * checkpoint and gives it back to {@link #restore}, which keeps the keys of its own key groups
 * (with rescaling, every instance reads every instance's events).
 */
public final class PendingEvents {
    private final Map<String, HeldEventList> byKey = new HashMap<>();
    private int size;

    /** The key's held events, or null if none. */
    public HeldEventList of(String key) {
        return byKey.get(key);
    }

    /**
     * Holds {@code event} for {@code key}.
     *
     * @return whether it is now the key's earliest held event: the owner arms a timer at its time
     */
    public boolean hold(String key, PulseEvent event) {
        HeldEventList held = byKey.get(key);
        if (held == null) {
            held = new HeldEventList();
            byKey.put(key, held);
        }
        boolean earliest = event.eventTime < held.earliestTime();
        held.add(event);
        size++;
        return earliest;
    }

    /**
     * The key's events at or before {@code time}, in {@link HeldEventList#APPLY_ORDER}, no longer
     * held (an empty list if none).
     */
    public List<PulseEvent> releaseUpTo(String key, long time) {
        HeldEventList held = byKey.get(key);
        if (held == null) {
            return List.of();
        }
        List<PulseEvent> due = held.releaseUpTo(time);
        size -= due.size();
        if (held.isEmpty()) {
            byKey.remove(key);
        }
        return due;
    }

    /** The earliest event time held for the key, or {@link Long#MAX_VALUE} if none. */
    public long earliestTime(String key) {
        HeldEventList held = byKey.get(key);
        return held == null ? Long.MAX_VALUE : held.earliestTime();
    }

    /** How many events are held, over all keys. */
    public int size() {
        return size;
    }

    /** Every held event, for a checkpoint. */
    public List<PulseEvent> all() {
        List<PulseEvent> all = new ArrayList<>(size);
        for (HeldEventList held : byKey.values()) {
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
    public void restore(Iterable<PulseEvent> checkpointed, Function<PulseEvent, String> keyOf, Predicate<Object> owns) {
        byKey.clear();
        size = 0;
        for (PulseEvent event : checkpointed) {
            String key = keyOf.apply(event);
            if (owns.test(key)) {
                hold(key, event);
            }
        }
    }
}
