package io.customerpulse.events;

import io.customerpulse.events.avro.ClickEvent;
import io.customerpulse.events.avro.PurchaseEvent;
import io.customerpulse.events.avro.ShareEvent;

import org.apache.avro.specific.SpecificRecord;

import java.math.BigDecimal;
import java.time.Instant;

/** Converts between the producers' Avro records and the jobs' flat {@link PulseEvent}. */
public final class EventMapper {
    /** Amounts carry exactly two decimal places (schema: decimal(18,2)). */
    public static final int MONEY_SCALE = 2;

    private EventMapper() {}

    /**
     * The flat event of a decoded record. Identifiers are taken as sent (validation decides about
     * blanks); the channel is normalised to lowercase, so "App" and "app" are one channel.
     */
    public static PulseEvent toPulseEvent(SpecificRecord record) {
        PulseEvent e = new PulseEvent();
        if (record instanceof ClickEvent c) {
            e.type = EventType.CLICK;
            e.eventId = c.getEventId();
            e.userId = c.getUserId();
            e.eventTime = millis(c.getEventTime());
            e.channel = normaliseChannel(c.getChannel());
            e.page = c.getPage();
            e.itemId = c.getItemId();
            e.shareId = blankToNull(c.getShareId());
        } else if (record instanceof PurchaseEvent p) {
            e.type = EventType.PURCHASE;
            e.eventId = p.getEventId();
            e.userId = p.getUserId();
            e.eventTime = millis(p.getEventTime());
            e.channel = normaliseChannel(p.getChannel());
            e.orderId = p.getOrderId();
            e.amountMinor = toMinorUnits(p.getAmount());
            e.currency = p.getCurrency() == null ? null : p.getCurrency().strip().toUpperCase(java.util.Locale.ROOT);
            e.shareId = blankToNull(p.getShareId());
            e.storeId = p.getStoreId();
        } else if (record instanceof ShareEvent s) {
            e.type = EventType.SHARE;
            e.eventId = s.getEventId();
            e.userId = s.getUserId();
            e.eventTime = millis(s.getEventTime());
            e.channel = normaliseChannel(s.getChannel());
            e.shareId = s.getShareId();
            e.itemId = s.getItemId();
            e.target = s.getTarget();
        } else {
            throw new IllegalArgumentException("Not an event record: " + record.getClass());
        }
        return e;
    }

    /** The Avro record of an event, in the current schema version. */
    public static SpecificRecord toAvro(PulseEvent e) {
        Instant time = Instant.ofEpochMilli(e.eventTime);
        return switch (e.type) {
            case CLICK -> ClickEvent.newBuilder()
                    .setEventId(e.eventId).setUserId(e.userId).setEventTime(time).setChannel(e.channel)
                    .setPage(e.page == null ? "" : e.page).setItemId(e.itemId).setShareId(e.shareId)
                    .build();
            case PURCHASE -> PurchaseEvent.newBuilder()
                    .setEventId(e.eventId).setUserId(e.userId).setEventTime(time).setChannel(e.channel)
                    .setOrderId(e.orderId == null ? "" : e.orderId)
                    .setAmount(BigDecimal.valueOf(e.amountMinor, MONEY_SCALE))
                    .setCurrency(e.currency).setShareId(e.shareId).setStoreId(e.storeId)
                    .build();
            case SHARE -> ShareEvent.newBuilder()
                    .setEventId(e.eventId).setUserId(e.userId).setEventTime(time).setChannel(e.channel)
                    .setShareId(e.shareId).setItemId(e.itemId).setTarget(e.target)
                    .build();
        };
    }

    /** Minor units of an amount with at most two decimals (more is an ArithmeticException, never rounded). */
    public static long toMinorUnits(BigDecimal amount) {
        return amount.setScale(MONEY_SCALE, java.math.RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }

    /** An empty optional id means "none". */
    public static String blankToNull(String id) {
        return id == null || id.isBlank() ? null : id;
    }

    public static String normaliseChannel(String channel) {
        if (channel == null || channel.isBlank()) {
            return "unknown";
        }
        return channel.strip().toLowerCase(java.util.Locale.ROOT);
    }

    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }
}
