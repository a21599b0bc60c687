package io.customerpulse.reach;

import java.util.Objects;

/** One row of wom_reach. */
public class WomReachRow {
    public String userId;
    public long shares;
    public long directReach;
    public long acquiredUsers;
    public long cascadeReach;
    public int cascadeDepth;
    public long referredPurchases;
    public long referredRevenueMinor;
    public long acquiredRevenueMinor;
    public String acquiredBy;
    public long asOf;

    public WomReachRow() {}

    /** The row without as_of: what a replay must reproduce exactly. */
    public String figures() {
        return userId + " shares=" + shares + " direct=" + directReach + " acquired=" + acquiredUsers
                + " cascade=" + cascadeReach + "/" + cascadeDepth + " referred=" + referredPurchases + "/"
                + referredRevenueMinor + " acquiredRevenue=" + acquiredRevenueMinor + " by=" + acquiredBy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WomReachRow r && figures().equals(r.figures()) && asOf == r.asOf;
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, asOf);
    }

    @Override
    public String toString() {
        return figures() + " asOf=" + asOf;
    }
}
