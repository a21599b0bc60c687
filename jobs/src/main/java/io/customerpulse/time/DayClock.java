package io.customerpulse.time;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;

/**
 * Calendar days in the configured time zone. "Active day", "purchase day", cohort day and the
 * lifetimes inputs all count whole days of this calendar, not 24-hour spans.
 */
public final class DayClock implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final long DAY_MS = 86_400_000L;

    private final ZoneId zone;
    private transient ZoneRules rules;
    /** Set when the zone has a fixed offset (UTC, +08:00): then no rules lookup per event. */
    private transient Long fixedOffsetMs;

    public DayClock(ZoneId zone) {
        this.zone = zone;
    }

    public static DayClock utc() {
        return new DayClock(ZoneOffset.UTC);
    }

    public ZoneId zone() {
        return zone;
    }

    /** The day (days since 1970-01-01 in this zone) that contains the instant. */
    public int epochDay(long epochMillis) {
        return (int) Math.floorDiv(epochMillis + offsetMs(epochMillis), DAY_MS);
    }

    public LocalDate date(long epochMillis) {
        return LocalDate.ofEpochDay(epochDay(epochMillis));
    }

    private long offsetMs(long epochMillis) {
        if (rules == null) {
            rules = zone.getRules();
            fixedOffsetMs = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L : null;
        }
        if (fixedOffsetMs != null) {
            return fixedOffsetMs;
        }
        return rules.getOffset(Instant.ofEpochMilli(epochMillis)).getTotalSeconds() * 1000L;
    }
}
