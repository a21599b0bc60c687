package io.customerpulse.reach;

/** The decision that {@link #acquirer} acquired {@link #user}, through a share of the given day and channel. */
public class Acquisition {
    public String user;
    public String acquirer;
    public int shareDay;
    public String shareChannel;
    /** Event time of the user's first event. */
    public long at;

    public Acquisition() {}

    public Acquisition(String user, String acquirer, int shareDay, String shareChannel, long at) {
        this.user = user;
        this.acquirer = acquirer;
        this.shareDay = shareDay;
        this.shareChannel = shareChannel;
        this.at = at;
    }
}
