package io.customerpulse.reach;

import io.customerpulse.events.CarriesEvent;
import io.customerpulse.events.PulseEvent;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/**
 * An event on its way to its user's referral timeline, with what the share it carries resolved
 * to. Events without a share_id come straight from ingestion with {@link ShareStatus#NONE}.
 * Serialized by {@link ReferralEventSerializer}.
 */
@TypeInfo(ReferralEventSerializer.Factory.class)
public class ReferralEvent implements CarriesEvent {
    public PulseEvent event;
    public ShareStatus status;
    /** Owner of the carried share (TOUCH, OWN_SHARE), else null. */
    public String shareOwner;
    /** Day and channel of the carried share's creation (TOUCH, OWN_SHARE). */
    public int shareDay;
    public String shareChannel;
    /** True when this is the late verdict on an event sent earlier as {@link ShareStatus#PENDING}. */
    public boolean verdict;

    public ReferralEvent() {}

    public static ReferralEvent of(PulseEvent event, ShareStatus status) {
        ReferralEvent r = new ReferralEvent();
        r.event = event;
        r.status = status;
        return r;
    }

    public static ReferralEvent resolved(PulseEvent event, ShareStatus status, ShareState share) {
        ReferralEvent r = of(event, status);
        r.shareOwner = share.owner;
        r.shareDay = share.day;
        r.shareChannel = share.channel;
        return r;
    }

    public boolean isTouch() {
        return status == ShareStatus.TOUCH;
    }

    @Override
    public PulseEvent event() {
        return event;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferralEvent that
                && shareDay == that.shareDay
                && verdict == that.verdict
                && status == that.status
                && Objects.equals(event, that.event)
                && Objects.equals(shareOwner, that.shareOwner)
                && Objects.equals(shareChannel, that.shareChannel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, status, shareOwner, shareDay, shareChannel, verdict);
    }

    @Override
    public String toString() {
        return status + (verdict ? " verdict " : " ") + (shareOwner == null ? "" : "of " + shareOwner + " ") + event;
    }
}
