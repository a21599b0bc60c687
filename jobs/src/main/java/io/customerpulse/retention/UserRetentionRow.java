package io.customerpulse.retention;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/** One row of user_retention: a user's standing as of {@link #asOf}. */
@TypeInfo(UserRetentionRowSerializer.Factory.class)
public class UserRetentionRow {
    public String userId;
    public String status;
    public double activityScore;
    public long firstSeenAt;
    public long lastActiveAt;
    public String acquisitionChannel;
    public long clicks;
    public long shares;
    public long purchases;
    /** Revenue in minor units of the reporting currency. */
    public long revenueMinor;
    /** Repeat purchase days (lifetimes' frequency); null for users who never bought. */
    public Integer frequency;
    public Integer recencyDays;
    public Integer ageDays;
    public Double pAlive;
    public Double expectedPurchases30d;
    public double riskAfterDays;
    /** The event-time instant this row describes (epoch ms). */
    public long asOf;

    public UserRetentionRow() {}

    @Override
    public boolean equals(Object o) {
        return o instanceof UserRetentionRow r
                && Double.compare(activityScore, r.activityScore) == 0
                && firstSeenAt == r.firstSeenAt && lastActiveAt == r.lastActiveAt
                && clicks == r.clicks && shares == r.shares && purchases == r.purchases
                && revenueMinor == r.revenueMinor && Double.compare(riskAfterDays, r.riskAfterDays) == 0
                && asOf == r.asOf && Objects.equals(userId, r.userId) && Objects.equals(status, r.status)
                && Objects.equals(acquisitionChannel, r.acquisitionChannel)
                && Objects.equals(frequency, r.frequency) && Objects.equals(recencyDays, r.recencyDays)
                && Objects.equals(ageDays, r.ageDays) && Objects.equals(pAlive, r.pAlive)
                && Objects.equals(expectedPurchases30d, r.expectedPurchases30d);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, status, asOf);
    }

    @Override
    public String toString() {
        return "UserRetentionRow{" + userId + " " + status + " score=" + activityScore + " clicks=" + clicks
                + " shares=" + shares + " purchases=" + purchases + " revenue=" + revenueMinor
                + " f/r/T=" + frequency + "/" + recencyDays + "/" + ageDays + " pAlive=" + pAlive
                + " e30=" + expectedPurchases30d + " riskAfterDays=" + riskAfterDays
                + " asOf=" + java.time.Instant.ofEpochMilli(asOf) + "}";
    }
}
