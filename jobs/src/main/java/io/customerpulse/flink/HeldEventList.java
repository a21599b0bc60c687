package io.customerpulse.flink;

import io.customerpulse.events.PulseEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A key's events held until the watermark passes them: on the heap ({@link PendingEvents}) or
 * inside the key's own state value, where a handful of held events cost the value's read and
 * write on arrival and no more, while a MapState entry per event time costs one of each on arrival
 * and again on release, and an event-time timer per time. The owner arms one timer at the
 * earliest held time (or, on the heap, may ask at each watermark which keys are due:
 * {@link PendingEvents#releaseDue}) and then releases everything the watermark has passed
 * ({@link #releaseUpTo}).
 */
public final class HeldEventList {
    /**
     * The order in which events released together are applied: event time, and at equal instants
     * event id and type, so scores and the acquisition channel do not depend on arrival order.
     */
    public static final Comparator<PulseEvent> APPLY_ORDER = Comparator.comparingLong((PulseEvent e) -> e.eventTime)
            .thenComparing(e -> e.eventId)
            .thenComparing(e -> e.type);

    private final ArrayList<PulseEvent> events = new ArrayList<>(0);

    /** Whether a copy of {@code event} (same id, same event time) is held. */
    public boolean holdsCopyOf(PulseEvent event) {
        for (PulseEvent held : events) {
            if (held.eventTime == event.eventTime && held.eventId.equals(event.eventId)) {
                return true;
            }
        }
        return false;
    }

    public void add(PulseEvent event) {
        events.add(event);
    }

    /** The earliest event time held, or {@link Long#MAX_VALUE} if none. */
    public long earliestTime() {
        long earliest = Long.MAX_VALUE;
        for (PulseEvent held : events) {
            earliest = Math.min(earliest, held.eventTime);
        }
        return earliest;
    }

    /** The events at or before {@code time}, in {@link #APPLY_ORDER}, no longer held. */
    public List<PulseEvent> releaseUpTo(long time) {
        List<PulseEvent> due = new ArrayList<>(events.size());
        int kept = 0;
        for (int i = 0; i < events.size(); i++) {
            PulseEvent event = events.get(i);
            if (event.eventTime <= time) {
                due.add(event);
            } else {
                events.set(kept++, event);
            }
        }
        events.subList(kept, events.size()).clear();
        due.sort(APPLY_ORDER);
        return due;
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    public int size() {
        return events.size();
    }

    public PulseEvent get(int i) {
        return events.get(i);
    }

    /** A copy holding the same event objects (events are never changed once decoded). */
    public HeldEventList copy() {
        HeldEventList copy = new HeldEventList();
        copy.events.addAll(events);
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldEventList other && events.equals(other.events);
    }

    @Override
    public int hashCode() {
        return events.hashCode();
    }

    @Override
    public String toString() {
        return events.toString();
    }
}
