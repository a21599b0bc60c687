package io.customerpulse.events;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/**
 * One validated click, purchase or share, as the jobs process it.
 *
 * <p>The Avro records of the three topics are decoded into this single flat type so that one
 * keyed stream carries all activity of a user. It is a Flink POJO (public fields, no-arg
 * constructor), serialized by {@link PulseEventSerializer} (no reflection, never Kryo). Fields that do not
 * apply to a type are null.
 */
@TypeInfo(PulseEventSerializer.Factory.class)
public class PulseEvent implements CarriesEvent {
    public EventType type;
    public String eventId;
    public String userId;
    /** Epoch milliseconds (UTC) when it happened. */
    public long eventTime;
    public String channel;

    /** Click: the page viewed. */
    public String page;
    /** Click or share: the item, if any. */
    public String itemId;
    /** Click or purchase: the shared link it came through; share: the link being shared. */
    public String shareId;
    /** Purchase. */
    public String orderId;
    /** Purchase amount as sent, in minor units of {@link #currency} (2 decimal places). */
    public long amountMinor;
    /** Purchase: ISO 4217 code of {@link #amountMinor}. */
    public String currency;
    /** Purchase amount converted to the reporting currency, minor units (what revenue sums). */
    public long valueMinor;
    /** Purchase: offline store, if any. */
    public String storeId;
    /** Share: where it was shared to, if known. */
    public String target;

    /** Where the event was read from, for dead letters raised after decoding. */
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    public PulseEvent() {}

    public boolean isPurchase() {
        return type == EventType.PURCHASE;
    }

    /** An event carries itself. */
    @Override
    public PulseEvent event() {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PulseEvent)) {
            return false;
        }
        PulseEvent that = (PulseEvent) o;
        return eventTime == that.eventTime
                && amountMinor == that.amountMinor
                && valueMinor == that.valueMinor
                && type == that.type
                && Objects.equals(eventId, that.eventId)
                && Objects.equals(userId, that.userId)
                && Objects.equals(channel, that.channel)
                && Objects.equals(page, that.page)
                && Objects.equals(itemId, that.itemId)
                && Objects.equals(shareId, that.shareId)
                && Objects.equals(orderId, that.orderId)
                && Objects.equals(currency, that.currency)
                && Objects.equals(storeId, that.storeId)
                && Objects.equals(target, that.target);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, eventId, userId, eventTime);
    }

    @Override
    public String toString() {
        return type + "{" + eventId + " user=" + userId + " t=" + java.time.Instant.ofEpochMilli(eventTime)
                + " channel=" + channel + (isPurchase() ? " value=" + valueMinor : "") + "}";
    }
}
