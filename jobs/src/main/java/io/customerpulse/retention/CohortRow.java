package io.customerpulse.retention;

import java.util.Objects;

/** One row of retention_cohorts. */
public class CohortRow {
    public int cohortDay;
    public String channel;
    public int dayN;
    /** Distinct cohort users active on cohortDay + dayN. */
    public long activeUsers;
    /** Users whose first activity was on cohortDay through this channel. */
    public long cohortSize;
    /** Event time of the newest activity counted in this row (epoch ms). */
    public long asOf;

    public CohortRow() {}

    public CohortRow(int cohortDay, String channel, int dayN, long activeUsers, long cohortSize, long asOf) {
        this.cohortDay = cohortDay;
        this.channel = channel;
        this.dayN = dayN;
        this.activeUsers = activeUsers;
        this.cohortSize = cohortSize;
        this.asOf = asOf;
    }

    public String rowKey() {
        return cohortDay + "|" + channel + "|" + dayN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CohortRow r && cohortDay == r.cohortDay && dayN == r.dayN
                && activeUsers == r.activeUsers && cohortSize == r.cohortSize && asOf == r.asOf
                && Objects.equals(channel, r.channel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cohortDay, channel, dayN, activeUsers, cohortSize, asOf);
    }

    @Override
    public String toString() {
        return java.time.LocalDate.ofEpochDay(cohortDay) + "/" + channel + " day " + dayN + ": "
                + activeUsers + " of " + cohortSize;
    }
}
