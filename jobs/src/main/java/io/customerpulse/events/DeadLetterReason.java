package io.customerpulse.events;

import java.util.Locale;

/** Why a record was refused. The lowercase {@link #code()} appears in headers, metrics and summaries. */
public enum DeadLetterReason {
    /** The bytes are not an Avro single-object encoded event (bad marker, truncated, corrupt). */
    UNDECODABLE,
    /** Single-object encoding, but the writer schema fingerprint is not in schemas/history. */
    UNKNOWN_SCHEMA,
    /** A required identifier (user_id, event_id) is missing or blank. */
    MISSING_FIELD,
    /** A purchase with a negative amount. */
    NEGATIVE_AMOUNT,
    /** A purchase in a currency that has no configured conversion rate. */
    UNKNOWN_CURRENCY,
    /** event_time before the configured earliest plausible instant. */
    EVENT_TIME_TOO_OLD,
    /** event_time further in the future than the configured tolerance allows. */
    EVENT_TIME_IN_FUTURE,
    /** event_time behind the job's event-time clock by more than the allowed lateness. */
    LATE_EVENT,
    /** A share event for a share_id that another user's earlier share event already owns. */
    SHARE_OWNER_CONFLICT,
    /** A click or purchase carrying a share_id that no share event created within the share wait. */
    UNKNOWN_SHARE;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
