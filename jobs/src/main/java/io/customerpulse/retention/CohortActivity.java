package io.customerpulse.retention;

/**
 * Users of cohort (cohortDay, channel) active for the first time on cohortDay + dayN. The user
 * operator emits one per user and distinct active day ({@code users} = 1), so summing
 * {@code users} counts distinct users; {@link #combine} sums several before they are shuffled.
 */
public class CohortActivity {
    /** Epoch day (in the configured zone) of the user's first activity. */
    public int cohortDay;
    public String channel;
    public int dayN;
    /** Event time of the (newest) activity (epoch ms). */
    public long at;
    /** How many users' activities this counts. */
    public long users = 1;

    public CohortActivity() {}

    public CohortActivity(int cohortDay, String channel, int dayN, long at) {
        this.cohortDay = cohortDay;
        this.channel = channel;
        this.dayN = dayN;
        this.at = at;
    }

    /** Both activities (of the same cohort and day_n) as one new one: users summed, the newest instant. */
    public static CohortActivity combine(CohortActivity a, CohortActivity b) {
        CohortActivity sum = new CohortActivity(a.cohortDay, a.channel, a.dayN, Math.max(a.at, b.at));
        sum.users = a.users + b.users;
        return sum;
    }

    /** What {@link #combine} groups by: the cohort and day_n. */
    public String cohortDayKey() {
        return cohortKey() + "|" + dayN;
    }

    /** The key of the cohort this activity counts in. */
    public String cohortKey() {
        return cohortDay + "|" + channel;
    }
}
