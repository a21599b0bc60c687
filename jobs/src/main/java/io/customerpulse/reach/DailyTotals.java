package io.customerpulse.reach;

/** One (day, channel)'s K-factor figures: k_factor = acquisitions / sharers. */
public class DailyTotals {
    public long sharers;
    public long shares;
    public long touches;
    public long acquisitions;
    public long asOf = Long.MIN_VALUE;

    public DailyTotals() {}

    public void apply(DailyDelta d) {
        sharers += d.sharers;
        shares += d.shares;
        touches += d.touches;
        acquisitions += d.acquisitions;
        asOf = Math.max(asOf, d.at);
    }

    public WomDailyRow row(int day, String channel) {
        WomDailyRow r = new WomDailyRow();
        r.day = day;
        r.channel = channel;
        r.sharers = sharers;
        r.shares = shares;
        r.touches = touches;
        r.acquisitions = acquisitions;
        r.kFactor = sharers == 0 ? null : (double) acquisitions / sharers;
        r.asOf = asOf;
        return r;
    }
}
