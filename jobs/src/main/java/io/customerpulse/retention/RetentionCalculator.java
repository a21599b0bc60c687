package io.customerpulse.retention;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.time.DayClock;

import java.io.Serializable;

/**
 * A user's retention timeline, without Flink: apply the user's events in event-time order and
 * move the clock forward; every status change comes out with the exact instant it happened.
 *
 * <p>The Flink operator guarantees the order (it holds events until the watermark passes them),
 * so a replay of the same events produces the same transitions and rows, whenever timers fire.
 */
public final class RetentionCalculator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Receives what a step of the timeline produces. */
    public interface Output {
        void transition(StatusTransition transition);

        void cohortActivity(CohortActivity activity);
    }

    private final RetentionSettings settings;
    private final DayClock days;
    private final BgNbdModel model;
    private final double horizonDays;

    public RetentionCalculator(RetentionSettings settings) {
        this.settings = settings;
        this.days = settings.dayClock();
        this.model = new BgNbdModel(settings.model);
        this.horizonDays = settings.expectedPurchasesHorizon.toMillis() / (double) DayClock.DAY_MS;
    }

    public RetentionSettings settings() {
        return settings;
    }

    public DayClock days() {
        return days;
    }

    public long riskAfterMs(UserRetentionState s) {
        return settings.rules.riskAfterMs(s.activeDays, s.firstActiveDay, s.lastActiveDay);
    }

    /** The first instant after {@code t} at which the user's status changes without new activity. */
    public long nextChangeAfter(UserRetentionState s, long t) {
        if (s.isEmpty()) {
            return RetentionRules.NEVER;
        }
        return settings.rules.nextChangeAfter(t, s.status, s.firstSeenAt, s.lastActiveAt, riskAfterMs(s), s.resurrectedAt);
    }

    /**
     * Applies every status change after the state's clock up to and including {@code until}, each
     * at its own instant, and moves the clock to {@code until}.
     *
     * @return whether the status changed
     */
    public boolean advanceTo(String userId, UserRetentionState s, long until, Output out) {
        if (s.isEmpty() || until <= s.clock) {
            return false;
        }
        boolean changed = false;
        long next = nextChangeAfter(s, s.clock);
        while (next != RetentionRules.NEVER && next <= until) {
            RetentionStatus to = statusAt(s, next);
            out.transition(new StatusTransition(userId, s.status, to, next));
            s.status = to;
            s.clock = next;
            changed = true;
            next = nextChangeAfter(s, next);
        }
        s.clock = until;
        return changed;
    }

    /**
     * Applies one event. Events must come in event-time order (ties in any fixed order); a
     * threshold crossed at the event's own instant is applied before the event.
     */
    public void apply(UserRetentionState s, PulseEvent e, Output out) {
        long t = e.eventTime;
        if (!s.isEmpty() && t < s.clock) {
            throw new IllegalArgumentException("Event " + e.eventId + " at " + t + " is before the user's clock " + s.clock);
        }
        advanceTo(e.userId, s, t, out);
        RetentionStatus before = s.status;
        int day = days.epochDay(t);

        if (s.isEmpty()) {
            s.firstSeenAt = t;
            s.acquisitionChannel = e.channel;
            s.activeDays = 1;
            s.firstActiveDay = day;
            s.lastActiveDay = day;
            s.score = settings.score.weight(e.type);
            out.cohortActivity(new CohortActivity(day, e.channel, 0, t));
        } else {
            s.score = settings.score.add(s.score, s.lastActiveAt, t, e.type);
            if (day > s.lastActiveDay) {
                s.activeDays++;
                s.lastActiveDay = day;
                out.cohortActivity(new CohortActivity(s.firstActiveDay, s.acquisitionChannel, day - s.firstActiveDay, t));
            }
        }
        s.lastActiveAt = t;
        s.clock = t;

        switch (e.type) {
            case CLICK -> s.clicks++;
            case SHARE -> s.shares++;
            case PURCHASE -> {
                s.purchases++;
                s.revenueMinor += e.valueMinor;
                if (s.purchaseDays == 0) {
                    s.purchaseDays = 1;
                    s.firstPurchaseDay = day;
                    s.lastPurchaseDay = day;
                } else if (day > s.lastPurchaseDay) {
                    s.purchaseDays++;
                    s.lastPurchaseDay = day;
                }
            }
        }

        if (before != null && before.isLapsed()) {
            s.resurrectedAt = t;
        }
        RetentionStatus after = statusAt(s, t);
        if (after != before) {
            out.transition(new StatusTransition(e.userId, before, after, t));
            s.status = after;
        }
    }

    private RetentionStatus statusAt(UserRetentionState s, long t) {
        return settings.rules.statusAt(t, s.firstSeenAt, s.lastActiveAt, riskAfterMs(s), s.resurrectedAt);
    }

    /** The user_retention row of a user whose clock stands at {@code asOf}. */
    public UserRetentionRow row(String userId, UserRetentionState s, long asOf) {
        UserRetentionRow r = new UserRetentionRow();
        r.userId = userId;
        r.status = s.status.word();
        r.activityScore = settings.score.decay(s.score, s.lastActiveAt, asOf);
        r.firstSeenAt = s.firstSeenAt;
        r.lastActiveAt = s.lastActiveAt;
        r.acquisitionChannel = s.acquisitionChannel;
        r.clicks = s.clicks;
        r.shares = s.shares;
        r.purchases = s.purchases;
        r.revenueMinor = s.revenueMinor;
        if (s.purchaseDays > 0) {
            int x = s.purchaseDays - 1;
            int recency = s.lastPurchaseDay - s.firstPurchaseDay;
            int age = days.epochDay(asOf) - s.firstPurchaseDay;
            r.frequency = x;
            r.recencyDays = recency;
            r.ageDays = age;
            r.pAlive = model.probabilityAlive(x, recency, age);
            r.expectedPurchases30d = model.expectedPurchases(horizonDays, x, recency, age);
        }
        r.riskAfterDays = riskAfterMs(s) / (double) DayClock.DAY_MS;
        r.asOf = asOf;
        return r;
    }
}
