package io.customerpulse.reach;

/** One row of wom_daily. */
public class WomDailyRow {
    public int day;
    public String channel;
    public long sharers;
    public long shares;
    public long touches;
    public long acquisitions;
    /** acquisitions / sharers; null while the day has no sharer yet. */
    public Double kFactor;
    public long asOf;

    public WomDailyRow() {}

    public String rowKey() {
        return day + "|" + channel;
    }

    public String figures() {
        return java.time.LocalDate.ofEpochDay(day) + "/" + channel + " sharers=" + sharers + " shares=" + shares
                + " touches=" + touches + " acquisitions=" + acquisitions + " k=" + kFactor;
    }

    @Override
    public String toString() {
        return figures();
    }
}
