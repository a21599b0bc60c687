package io.customerpulse.reach;

/** A change to one sharer's wom_reach row. */
public class SharerUpdate {
    public enum Kind {
        /** One more share event: value 1. */
        SHARE,
        /** One more distinct user touched: value 1. */
        REACH,
        /** A purchase attributed to the sharer: value = its revenue in minor units. */
        ATTRIBUTED_PURCHASE,
        /** A purchase of a user the sharer acquired: value = revenue. */
        ACQUIRED_REVENUE,
        /** The sharer's cascade figures, absolute (from the acquisition forest). */
        CASCADE,
        /** The sharer's own acquirer (from the acquisition forest). */
        ACQUIRED_BY
    }

    public String sharer;
    public Kind kind;
    public long value;
    public int acquiredUsers;
    public int cascadeReach;
    public int cascadeDepth;
    public String acquiredBy;
    /** Event time of the change. */
    public long at;

    public SharerUpdate() {}

    public static SharerUpdate of(String sharer, Kind kind, long value, long at) {
        SharerUpdate u = new SharerUpdate();
        u.sharer = sharer;
        u.kind = kind;
        u.value = value;
        u.at = at;
        return u;
    }

    /** Cascade figures as of the newest acquisition they count (the same whatever order edges arrive in). */
    public static SharerUpdate cascade(AcquisitionForest.CascadeStats stats) {
        SharerUpdate u = of(stats.user(), Kind.CASCADE, 0, stats.newestAt());
        u.acquiredUsers = stats.acquiredUsers();
        u.cascadeReach = stats.cascadeReach();
        u.cascadeDepth = stats.cascadeDepth();
        return u;
    }

    public static SharerUpdate acquiredBy(String user, String acquirer, long at) {
        SharerUpdate u = of(user, Kind.ACQUIRED_BY, 0, at);
        u.acquiredBy = acquirer;
        return u;
    }
}
