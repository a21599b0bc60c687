package io.customerpulse.flink;

/**
 * Where a keyed function remembers the event ids it counted, each with the event time of its
 * last counted copy: what {@link io.customerpulse.events.DuplicateRule} decides on.
 */
public interface CountedIds {
    /** The event time of the last counted copy of {@code eventId}, or null if none is remembered. */
    Long countedAt(String eventId) throws Exception;

    void remember(String eventId, long eventTime) throws Exception;
}
