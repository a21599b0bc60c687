package io.customerpulse.events;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The admission rules every event passes before any job counts it. An event that fails is not
 * an error of the pipeline but of its producer: it goes to the dead-letter topic with the reason.
 */
public final class EventValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Nothing we measure happened before this: older times are producer bugs (epoch 0, year 1900). */
    public static final Instant DEFAULT_EARLIEST = Instant.parse("1990-01-01T00:00:00Z");
    /** Devices' clocks drift; a day ahead of the wall clock is already absurd. */
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofDays(1);

    private final long earliestMillis;
    private final long maxAheadMillis;
    private final CurrencyConverter currencies;

    public EventValidator(Instant earliest, Duration maxAhead, CurrencyConverter currencies) {
        this.earliestMillis = earliest.toEpochMilli();
        this.maxAheadMillis = maxAhead.toMillis();
        this.currencies = currencies;
    }

    /** The outcome of a check: the refusal, or null when the event is admitted. */
    public record Refusal(DeadLetterReason reason, String detail) {}

    /**
     * Checks the event against the rules; on success fills in {@link PulseEvent#valueMinor}.
     *
     * @param wallClockMillis now, by the wall clock, to judge "in the future"
     * @return null if admitted
     */
    public Refusal check(PulseEvent e, long wallClockMillis) {
        if (e.userId == null || e.userId.isBlank()) {
            return new Refusal(DeadLetterReason.MISSING_FIELD, "user_id is missing or blank");
        }
        if (e.eventId == null || e.eventId.isBlank()) {
            return new Refusal(DeadLetterReason.MISSING_FIELD, "event_id is missing or blank");
        }
        if (e.eventTime < earliestMillis) {
            return new Refusal(DeadLetterReason.EVENT_TIME_TOO_OLD,
                    "event_time " + Instant.ofEpochMilli(e.eventTime) + " is before " + Instant.ofEpochMilli(earliestMillis));
        }
        if (e.eventTime > wallClockMillis + maxAheadMillis) {
            return new Refusal(DeadLetterReason.EVENT_TIME_IN_FUTURE,
                    "event_time " + Instant.ofEpochMilli(e.eventTime) + " is more than "
                            + Duration.ofMillis(maxAheadMillis) + " ahead of the wall clock");
        }
        if (e.type == EventType.SHARE && (e.shareId == null || e.shareId.isBlank())) {
            return new Refusal(DeadLetterReason.MISSING_FIELD, "share_id is missing or blank");
        }
        if (e.type == EventType.PURCHASE) {
            if (e.amountMinor < 0) {
                return new Refusal(DeadLetterReason.NEGATIVE_AMOUNT,
                        "amount " + java.math.BigDecimal.valueOf(e.amountMinor, EventMapper.MONEY_SCALE) + " is negative");
            }
            OptionalLong value = currencies.toReporting(e.amountMinor, e.currency);
            if (value.isEmpty()) {
                return new Refusal(DeadLetterReason.UNKNOWN_CURRENCY,
                        "no rate from " + e.currency + " to " + currencies.reportingCurrency());
            }
            e.valueMinor = value.getAsLong();
        }
        return null;
    }
}
