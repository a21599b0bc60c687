package io.customerpulse.reach;

import io.customerpulse.events.PulseEvent;

/**
 * An event on its way to its user's referral timeline, with what the share it carries resolved
 * to. Events without a share_id come straight from ingestion with {@link ShareStatus#NONE}.
 */
public class ReferralEvent {
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
}
