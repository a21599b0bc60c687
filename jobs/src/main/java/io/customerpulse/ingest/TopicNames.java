package io.customerpulse.ingest;

import io.customerpulse.events.EventType;

import java.io.Serializable;
import java.util.List;

/** The Kafka topics the jobs read and write (all configurable). */
public record TopicNames(String clicks, String purchases, String shares, String deadLetters) implements Serializable {

    public static final TopicNames DEFAULTS = new TopicNames("clicks", "purchases", "shares", "pulse-dead-letters");

    public String of(EventType type) {
        return switch (type) {
            case CLICK -> clicks;
            case PURCHASE -> purchases;
            case SHARE -> shares;
        };
    }

    /** The event type a topic carries, or null for a topic that is not one of ours. */
    public EventType typeOf(String topic) {
        if (clicks.equals(topic)) {
            return EventType.CLICK;
        }
        if (purchases.equals(topic)) {
            return EventType.PURCHASE;
        }
        if (shares.equals(topic)) {
            return EventType.SHARE;
        }
        return null;
    }

    public List<String> eventTopics() {
        return List.of(clicks, purchases, shares);
    }
}
