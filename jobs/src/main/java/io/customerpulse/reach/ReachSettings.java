package io.customerpulse.reach;

import io.customerpulse.flink.PendingEvents;
import io.customerpulse.time.DayClock;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The word-of-mouth definitions' knobs, with the README's defaults. */
public record ReachSettings(
        int maxDepth, Duration attributionWindow, Duration shareWait, ZoneId zone, Duration dedupHorizon,
        int maxWaitingOnHeap)
        implements Serializable {

    public ReachSettings {
        if (maxDepth < 1 || maxDepth > 100) {
            throw new IllegalArgumentException("max depth must be within 1..100: " + maxDepth);
        }
        if (attributionWindow.isNegative() || shareWait.isNegative() || dedupHorizon.isNegative()) {
            throw new IllegalArgumentException("windows must not be negative");
        }
        if (maxWaitingOnHeap < 0) {
            throw new IllegalArgumentException("--max-waiting-on-heap must not be negative: " + maxWaitingOnHeap);
        }
    }

    /**
     * Depth 10, attribution window 7 days, unknown shares wait 1 day, UTC, duplicates within 7 days,
     * 100,000 events waiting on each instance's heap.
     */
    public static ReachSettings defaults() {
        return new ReachSettings(10, Duration.ofDays(7), Duration.ofDays(1), ZoneOffset.UTC, Duration.ofDays(7),
                PendingEvents.DEFAULT_LIMIT);
    }

    /** These settings with another limit of the events waiting on each instance's heap. */
    public ReachSettings withMaxWaitingOnHeap(int events) {
        return new ReachSettings(maxDepth, attributionWindow, shareWait, zone, dedupHorizon, events);
    }

    public DayClock dayClock() {
        return new DayClock(zone);
    }
}
