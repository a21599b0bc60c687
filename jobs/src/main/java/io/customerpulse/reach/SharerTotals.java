package io.customerpulse.reach;

/**
 * A sharer's running figures, folded from {@link SharerUpdate}s. Sums commute and the cascade
 * figures (absolute, only ever growing) are kept at their largest, so the final row does not
 * depend on the order updates arrive in (a batch backfill sorts them differently).
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
                // Cascades only grow: the largest figures are the newest, whatever order they arrive in.
                acquiredUsers = Math.max(acquiredUsers, u.acquiredUsers);
                cascadeReach = Math.max(cascadeReach, u.cascadeReach);
                cascadeDepth = Math.max(cascadeDepth, u.cascadeDepth);
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
