package io.customerpulse.reach;

import java.util.ArrayList;
import java.util.List;

/** Per user, what word of mouth needs to remember (constant size). */
public class ReferralState {
    /** Whether the user's first event has been seen (and the acquisition decided). */
    public boolean started;
    /** Who acquired this user; null if organic. */
    public String acquirer;
    /** The latest touch (event time and share owner), for attributing later purchases. */
    public long lastTouchAt;
    public String lastTouchOwner;
    /** The newest day this user shared on, and the channels they shared through that day. */
    public int lastShareDay = Integer.MIN_VALUE;
    public List<String> lastShareDayChannels = new ArrayList<>();

    /**
     * Bookkeeping of the operator. While an event's share is pending, the user's timeline waits
     * at that instant: later instants whose timers fired meanwhile are listed, in order, to be
     * applied once the verdict arrives.
     */
    public long pendingSince = Long.MIN_VALUE;
    public List<Long> blockedTimes = new ArrayList<>();
    public long sweepAt = Long.MAX_VALUE;

    public boolean isBlocked() {
        return pendingSince != Long.MIN_VALUE;
    }

    public ReferralState() {}
}
