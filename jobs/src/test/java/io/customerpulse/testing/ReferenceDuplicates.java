package io.customerpulse.testing;

import io.customerpulse.events.PulseEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Duplicates as the README defines them, for the brute-force references (written apart from the
 * jobs' {@code DuplicateRule}): taken in event-time order, a user's event is dropped when the same
 * event_id was counted less than the dedup horizon before it, so an id counts again once the
 * horizon after its counted occurrence has passed.
 */
public final class ReferenceDuplicates {
    private ReferenceDuplicates() {}

    /** {@code events} sorted by {@code order}, without duplicates. */
    public static List<PulseEvent> dropped(List<PulseEvent> events, long horizonMs, Comparator<PulseEvent> order) {
        List<PulseEvent> sorted = new ArrayList<>(events);
        sorted.sort(order);
        Map<List<String>, Long> countedAt = new HashMap<>(); // (user, event id) -> event time it counted at
        List<PulseEvent> kept = new ArrayList<>();
        for (PulseEvent e : sorted) {
            List<String> id = List.of(e.userId, e.eventId);
            Long previous = countedAt.get(id);
            if (previous == null || e.eventTime - previous >= horizonMs) {
                countedAt.put(id, e.eventTime);
                kept.add(e);
            }
        }
        return kept;
    }
}
