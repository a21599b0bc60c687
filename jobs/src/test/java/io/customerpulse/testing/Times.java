package io.customerpulse.testing;

import java.time.Duration;
import java.time.Instant;

/** Readable instants for scenarios: day 0 is 2025-01-01T00:00Z (a Wednesday). */
public final class Times {
    public static final Instant DAY_ZERO = Instant.parse("2025-01-01T00:00:00Z");
    public static final long DAY = Duration.ofDays(1).toMillis();
    public static final long HOUR = Duration.ofHours(1).toMillis();
    public static final long MINUTE = Duration.ofMinutes(1).toMillis();

    private Times() {}

    /** Epoch millis of day {@code d} at {@code hour}:00 UTC. */
    public static long at(int d, int hour) {
        return DAY_ZERO.toEpochMilli() + d * DAY + hour * HOUR;
    }

    public static long day(int d) {
        return at(d, 0);
    }

    public static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }
}
