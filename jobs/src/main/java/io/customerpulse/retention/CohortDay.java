package io.customerpulse.retention;

/** One day_n of a cohort: distinct users active that day, and the newest of their activities. */
public class CohortDay {
    public long users;
    public long newestAt = Long.MIN_VALUE;

    public CohortDay() {}
}
