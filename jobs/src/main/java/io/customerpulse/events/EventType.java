package io.customerpulse.events;

/** The three kinds of customer activity; each arrives on its own Kafka topic. */
public enum EventType {
    CLICK,
    PURCHASE,
    SHARE;

    /** The lowercase word used in topics' defaults, JSON lines and metrics. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
