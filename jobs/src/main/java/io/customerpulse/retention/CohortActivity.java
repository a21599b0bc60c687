package io.customerpulse.retention;

/**
 * A user of cohort (cohortDay, channel) was active for the first time on cohortDay + dayN.
 * Emitted once per user and distinct active day, so counting these counts distinct users.
 */
public class CohortActivity {
    /** Epoch day (in the configured zone) of the user's first activity. */
    public int cohortDay;
    public String channel;
    public int dayN;
    /** Event time of the activity (epoch ms). */
    public long at;

    public CohortActivity() {}

    public CohortActivity(int cohortDay, String channel, int dayN, long at) {
        this.cohortDay = cohortDay;
        this.channel = channel;
        this.dayN = dayN;
        this.at = at;
    }

    /** The key of the cohort this activity counts in. */
    public String cohortKey() {
        return cohortDay + "|" + channel;
    }
}
