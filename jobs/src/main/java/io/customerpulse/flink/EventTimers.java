package io.customerpulse.flink;

import org.apache.flink.streaming.api.TimerService;

/** How the keyed functions register event-time timers. */
public final class EventTimers {
    private EventTimers() {}

    /**
     * Registers an event-time timer for {@code time}, unless the watermark stands at the end of
     * time (the end of a key's input in BATCH mode, the end of bounded input, a drain).
     *
     * <p>Then nothing more is to come: BATCH mode ignores a timer registered while it fires a key's
     * timers and logs a warning for each (a line per user and timer in a backfill), and the
     * functions settle at once what such a timer would have found (UserRetentionFunction walks the
     * status changes up to the clock's end, ShareResolverFunction decides pending touches). Sweeps
     * of remembered ids are skipped with them: the state they would shrink is being finished.
     */
    public static void register(TimerService timers, long time) {
        if (timers.currentWatermark() == Long.MAX_VALUE) {
            return;
        }
        timers.registerEventTimeTimer(time);
    }
}
