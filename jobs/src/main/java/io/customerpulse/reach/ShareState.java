package io.customerpulse.reach;

/** What the job knows of one share_id: its owner, fixed by the first share event. */
public class ShareState {
    /** Null until a share event for the id has been seen. */
    public String owner;
    /** Event time of the share event that fixed the owner. */
    public long createdAt;
    /** Calendar day (epoch day, configured zone) and channel of that share event. */
    public int day;
    public String channel;
    /** Bookkeeping of the operator: when the next sweep of remembered event ids is due. */
    public long sweepAt = Long.MAX_VALUE;

    public ShareState() {}

    public boolean isKnown() {
        return owner != null;
    }
}
