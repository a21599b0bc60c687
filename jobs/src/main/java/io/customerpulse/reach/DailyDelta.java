package io.customerpulse.reach;

/** Increments of one wom_daily row: day (of the share's event time) and channel of the share. */
public class DailyDelta {
    public int day;
    public String channel;
    public long sharers;
    public long shares;
    public long touches;
    public long acquisitions;
    public long at;

    public DailyDelta() {}

    public static DailyDelta sharer(int day, String channel, long at) {
        DailyDelta d = of(day, channel, at);
        d.sharers = 1;
        return d;
    }

    public static DailyDelta share(int day, String channel, long at) {
        DailyDelta d = of(day, channel, at);
        d.shares = 1;
        return d;
    }

    public static DailyDelta touch(int day, String channel, long at) {
        DailyDelta d = of(day, channel, at);
        d.touches = 1;
        return d;
    }

    public static DailyDelta acquisition(int day, String channel, long at) {
        DailyDelta d = of(day, channel, at);
        d.acquisitions = 1;
        return d;
    }

    private static DailyDelta of(int day, String channel, long at) {
        DailyDelta d = new DailyDelta();
        d.day = day;
        d.channel = channel;
        d.at = at;
        return d;
    }

    public String dayKey() {
        return day + "|" + channel;
    }
}
