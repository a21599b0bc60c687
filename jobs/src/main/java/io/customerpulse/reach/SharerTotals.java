package io.customerpulse.reach;

/**
 * A sharer's running figures, folded from {@link SharerUpdate}s. Sums commute, and the cascade
 * figures arrive as absolute values from the single forest operator in order, so the final row
 * does not depend on the order updates from different users arrive in.
 */
public class SharerTotals {
    public long shares;
    public long directReach;
    public long acquiredUsers;
    public long cascadeReach;
    public int cascadeDepth;
    public long referredPurchases;
    public long referredRevenueMinor;
    public long acquiredRevenueMinor;
    public String acquiredBy;
    public long asOf = Long.MIN_VALUE;

    public SharerTotals() {}

    public void apply(SharerUpdate u) {
        switch (u.kind) {
            case SHARE -> shares += u.value;
            case REACH -> directReach += u.value;
            case ATTRIBUTED_PURCHASE -> {
                referredPurchases++;
                referredRevenueMinor += u.value;
            }
            case ACQUIRED_REVENUE -> acquiredRevenueMinor += u.value;
            case CASCADE -> {
                acquiredUsers = u.acquiredUsers;
                cascadeReach = u.cascadeReach;
                cascadeDepth = u.cascadeDepth;
            }
            case ACQUIRED_BY -> acquiredBy = u.acquiredBy;
        }
        asOf = Math.max(asOf, u.at);
    }

    /** Only sharers get a row. */
    public boolean isSharer() {
        return shares > 0;
    }

    public WomReachRow row(String user) {
        WomReachRow r = new WomReachRow();
        r.userId = user;
        r.shares = shares;
        r.directReach = directReach;
        r.acquiredUsers = acquiredUsers;
        r.cascadeReach = cascadeReach;
        r.cascadeDepth = cascadeDepth;
        r.referredPurchases = referredPurchases;
        r.referredRevenueMinor = referredRevenueMinor;
        r.acquiredRevenueMinor = acquiredRevenueMinor;
        r.acquiredBy = acquiredBy;
        r.asOf = asOf;
        return r;
    }
}
