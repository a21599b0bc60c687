package io.customerpulse.testing;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

/** Small builders of events for tests. */
public final class Events {
    private Events() {}

    public static PulseEvent click(String eventId, String userId, long time, String channel) {
        PulseEvent e = base(EventType.CLICK, eventId, userId, time, channel);
        e.page = "/home";
        return e;
    }

    public static PulseEvent click(String eventId, String userId, long time) {
        return click(eventId, userId, time, "app");
    }

    public static PulseEvent share(String eventId, String userId, long time, String shareId) {
        PulseEvent e = base(EventType.SHARE, eventId, userId, time, "app");
        e.shareId = shareId;
        return e;
    }

    /** A purchase in the reporting currency; {@code minor} is cents. */
    public static PulseEvent purchase(String eventId, String userId, long time, long minor) {
        PulseEvent e = base(EventType.PURCHASE, eventId, userId, time, "web");
        e.orderId = "o-" + eventId;
        e.amountMinor = minor;
        e.valueMinor = minor;
        e.currency = "CNY";
        return e;
    }

    private static PulseEvent base(EventType type, String eventId, String userId, long time, String channel) {
        PulseEvent e = new PulseEvent();
        e.type = type;
        e.eventId = eventId;
        e.userId = userId;
        e.eventTime = time;
        e.channel = channel;
        e.sourceTopic = type.word() + "s";
        return e;
    }
}
