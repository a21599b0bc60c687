package io.customerpulse.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyed state that holds items until the watermark passes their event time: one event-time timer
 * per distinct time, so the operator's {@code onTimer(t)} releases them in event-time order
 * whatever order they arrived in.
 */
public final class HeldEvents<T> {
    private final MapState<Long, List<T>> byTime;

    public HeldEvents(RuntimeContext context, String name, TypeInformation<T> type) {
        this.byTime = context.getMapState(new MapStateDescriptor<>(name, Types.LONG, Types.LIST(type)));
    }

    /** Holds {@code item} until the watermark reaches {@code time}. */
    public void hold(long time, T item, TimerService timers) throws Exception {
        at(time).hold(item, timers);
    }

    /**
     * What is held for {@code time}, read once: an arriving event is first checked against the
     * copies held at its instant and then held with them, one state read for both.
     */
    public Instant at(long time) throws Exception {
        return new Instant(time, byTime.get(time));
    }

    /** The items held for one instant, as read by {@link #at}. */
    public final class Instant {
        private final long time;
        private List<T> held;

        private Instant(long time, List<T> held) {
            this.time = time;
            this.held = held;
        }

        /** Whether an item held for this instant matches {@code match}. */
        public boolean holds(java.util.function.Predicate<T> match) {
            return held != null && held.stream().anyMatch(match);
        }

        /** Holds {@code item} with them until the watermark reaches this instant. */
        public void hold(T item, TimerService timers) throws Exception {
            if (held == null) {
                held = new ArrayList<>(1);
                EventTimers.register(timers, time);
            }
            held.add(item);
            byTime.put(time, held);
        }
    }

    /** The items held for {@code time} (null if none), no longer held. */
    public List<T> release(long time) throws Exception {
        List<T> held = byTime.get(time);
        if (held != null) {
            byTime.remove(time);
        }
        return held;
    }

    /**
     * Everything held at or before {@code time}, no longer held (one pass over all that is held;
     * their timers still fire, finding nothing).
     */
    public List<T> releaseUpTo(long time) throws Exception {
        List<T> due = new ArrayList<>();
        boolean anyLeft = false;
        var held = byTime.iterator();
        while (held.hasNext()) {
            var instant = held.next();
            if (instant.getKey() <= time) {
                due.addAll(instant.getValue());
                held.remove();
            } else {
                anyLeft = true;
            }
        }
        if (!anyLeft) {
            byTime.clear(); // drops the empty map itself, not only its entries
        }
        return due;
    }

    /** Everything held, at any time, no longer held (their timers still fire, finding nothing). */
    public List<T> releaseAll() throws Exception {
        return releaseUpTo(Long.MAX_VALUE);
    }

    public boolean isEmpty() throws Exception {
        return byTime.isEmpty();
    }

    /** Everything held, by time (in no particular order). */
    public Iterable<java.util.Map.Entry<Long, List<T>>> entries() throws Exception {
        return byTime.entries();
    }

    /** The items held for {@code time}, still held (null if none). */
    public List<T> peek(long time) throws Exception {
        return byTime.get(time);
    }

    /** Replaces what is held for {@code time} (an empty list releases it; no timer is registered). */
    public void replace(long time, List<T> items) throws Exception {
        if (items.isEmpty()) {
            byTime.remove(time);
        } else {
            byTime.put(time, items);
        }
    }
}
