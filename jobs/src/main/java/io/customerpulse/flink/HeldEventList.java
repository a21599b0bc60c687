package io.customerpulse.flink;

import io.customerpulse.events.CarriesEvent;
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
 *
 * @param <T> what is held: the event itself, or the event with what was decided about it upstream
 */
public final class HeldEventList<T extends CarriesEvent> {
    /**
     * The order in which events released together are applied: event time, and at equal instants
     * event id and type, so scores and the acquisition channel do not depend on arrival order.
     */
    public static final Comparator<PulseEvent> APPLY_ORDER = Comparator.comparingLong((PulseEvent e) -> e.eventTime)
            .thenComparing(e -> e.eventId)
            .thenComparing(e -> e.type);

    /** {@link #APPLY_ORDER} of the events that items carry. */
    public static final Comparator<CarriesEvent> ITEM_ORDER = Comparator.comparing(CarriesEvent::event, APPLY_ORDER);

    private final ArrayList<T> items = new ArrayList<>(0);

    /** Whether a copy of {@code event} (same id, same event time) is held. */
    public boolean holdsCopyOf(PulseEvent event) {
        for (T held : items) {
            PulseEvent e = held.event();
            if (e.eventTime == event.eventTime && e.eventId.equals(event.eventId)) {
                return true;
            }
        }
        return false;
    }

    public void add(T item) {
        items.add(item);
    }

    /** The earliest event time held, or {@link Long#MAX_VALUE} if none. */
    public long earliestTime() {
        long earliest = Long.MAX_VALUE;
        for (T held : items) {
            earliest = Math.min(earliest, held.event().eventTime);
        }
        return earliest;
    }

    /** The items whose events are at or before {@code time}, in {@link #ITEM_ORDER}, no longer held. */
    public List<T> releaseUpTo(long time) {
        List<T> due = new ArrayList<>(items.size());
        int kept = 0;
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            if (item.event().eventTime <= time) {
                due.add(item);
            } else {
                items.set(kept++, item);
            }
        }
        items.subList(kept, items.size()).clear();
        due.sort(ITEM_ORDER);
        return due;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return items.size();
    }

    public T get(int i) {
        return items.get(i);
    }

    /** Puts {@code item} in place of the one at {@code i} (a later decision on the same event). */
    public void set(int i, T item) {
        items.set(i, item);
    }

    /** A copy holding the same item objects (items are never changed once held; {@link #set} replaces them). */
    public HeldEventList<T> copy() {
        HeldEventList<T> copy = new HeldEventList<>();
        copy.items.addAll(items);
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldEventList<?> other && items.equals(other.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
