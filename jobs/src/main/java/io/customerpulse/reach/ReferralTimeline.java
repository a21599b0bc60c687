package io.customerpulse.reach;

import io.customerpulse.events.PulseEvent;

import java.io.Serializable;

/**
 * A user's side of word of mouth, applied in event-time order (ties by event_id), with every
 * carried share already resolved:
 *
 * <ul>
 *   <li><b>Acquisition</b>: if the user's first event is a touch of A's share, A acquired them.
 *   <li><b>Reach</b>: the first touch of each sharer's shares by this user adds one to that
 *       sharer's direct_reach (exact distinct counting: the user remembers whom they reached).
 *   <li><b>Attribution</b>: a purchase through A's share is attributed to A; otherwise to the
 *       owner of the user's latest earlier touch at most the attribution window (7 days) before
 *       it, if any. At most one sharer per purchase.
 *   <li><b>Acquired revenue</b>: every purchase of an acquired user counts for the acquirer.
 *   <li><b>Sharers</b>: the first share of the user on a (day, channel) makes them one of that
 *       day's sharers in that channel.
 * </ul>
 */
public final class ReferralTimeline implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What applying an event produces. */
    public interface Output {
        void acquisition(String user, String acquirer, int shareDay, String shareChannel, long at);

        void newReach(String sharer, long at);

        void attributedPurchase(String sharer, long valueMinor, long at);

        void acquiredRevenue(String acquirer, long valueMinor, long at);

        void share(String sharer, boolean newSharerOfDay, int day, String channel, long at);
    }

    /** The sharers this user has been touched by (remembered for exact distinct reach). */
    public interface TouchedBy {
        /** @return true if {@code sharer} was not in the set */
        boolean add(String sharer) throws Exception;
    }

    private final long attributionWindowMs;
    private final io.customerpulse.time.DayClock days;

    public ReferralTimeline(ReachSettings settings) {
        this.attributionWindowMs = settings.attributionWindow().toMillis();
        this.days = settings.dayClock();
    }

    public void apply(String user, ReferralState s, ReferralEvent r, TouchedBy touchedBy, Output out) throws Exception {
        if (r.status == ShareStatus.PENDING) {
            throw new IllegalArgumentException("A pending share must be resolved before its event is applied");
        }
        PulseEvent e = r.event;
        long t = e.eventTime;
        if (!s.started) {
            s.started = true;
            if (r.isTouch()) {
                s.acquirer = r.shareOwner;
                out.acquisition(user, r.shareOwner, r.shareDay, r.shareChannel, t);
            }
        }
        switch (e.type) {
            case SHARE -> {
                if (r.status == ShareStatus.OWN_SHARE) {
                    int day = days.epochDay(t);
                    if (day != s.lastShareDay) {
                        s.lastShareDay = day;
                        s.lastShareDayChannels.clear();
                    }
                    boolean newSharerOfDay = !s.lastShareDayChannels.contains(e.channel);
                    if (newSharerOfDay) {
                        s.lastShareDayChannels.add(e.channel);
                    }
                    out.share(user, newSharerOfDay, day, e.channel, t);
                }
            }
            case CLICK -> touch(s, r, touchedBy, out);
            case PURCHASE -> {
                if (r.isTouch()) {
                    out.attributedPurchase(r.shareOwner, e.valueMinor, t);
                } else if (s.lastTouchOwner != null && t - s.lastTouchAt <= attributionWindowMs) {
                    out.attributedPurchase(s.lastTouchOwner, e.valueMinor, t);
                }
                if (s.acquirer != null) {
                    out.acquiredRevenue(s.acquirer, e.valueMinor, t);
                }
                touch(s, r, touchedBy, out);
            }
        }
    }

    private static void touch(ReferralState s, ReferralEvent r, TouchedBy touchedBy, Output out) throws Exception {
        if (!r.isTouch()) {
            return;
        }
        s.lastTouchAt = r.event.eventTime;
        s.lastTouchOwner = r.shareOwner;
        if (touchedBy.add(r.shareOwner)) {
            out.newReach(r.shareOwner, r.event.eventTime);
        }
    }
}
