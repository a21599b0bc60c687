package io.customerpulse.reach;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.time.DayClock;

/**
 * Who owns a share, and what an event carrying it is. The first share event for a share_id (in
 * event time, ties by event_id) fixes its owner; a later share event by the same user is a
 * re-share; one by another user is a conflict. A click or purchase carrying the share is a touch
 * of the owner unless it is the owner's own (a self-touch, ignored).
 */
public final class ShareOwnership {
    public enum Claim { NEW_SHARE, RESHARE, CONFLICT }

    public enum Touch { UNKNOWN_SHARE, SELF_TOUCH, TOUCH }

    private ShareOwnership() {}

    public static Claim claim(ShareState share, PulseEvent shareEvent, DayClock days) {
        if (!share.isKnown()) {
            share.owner = shareEvent.userId;
            share.createdAt = shareEvent.eventTime;
            share.day = days.epochDay(shareEvent.eventTime);
            share.channel = shareEvent.channel;
            return Claim.NEW_SHARE;
        }
        return share.owner.equals(shareEvent.userId) ? Claim.RESHARE : Claim.CONFLICT;
    }

    public static Touch touch(ShareState share, PulseEvent event) {
        if (share == null || !share.isKnown()) {
            return Touch.UNKNOWN_SHARE;
        }
        return share.owner.equals(event.userId) ? Touch.SELF_TOUCH : Touch.TOUCH;
    }
}
