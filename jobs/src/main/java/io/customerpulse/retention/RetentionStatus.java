package io.customerpulse.retention;

import java.util.Locale;

/** Where a customer stands; stored in PostgreSQL as the lowercase {@link #word()}. */
public enum RetentionStatus {
    NEW,
    ACTIVE,
    AT_RISK,
    DORMANT,
    CHURNED,
    RESURRECTED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RetentionStatus ofWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }

    /** A customer coming back from one of these is "resurrected". */
    public boolean isLapsed() {
        return this == DORMANT || this == CHURNED;
    }
}
