package io.customerpulse.retention;

import io.customerpulse.time.DayClock;

import java.io.Serializable;
import java.time.Duration;

/**
 * The status definition. With g = now - last_active_at, the first rule that applies wins:
 *
 * <ol>
 *   <li>{@code churned} if g &gt;= churnedAfter (90 d)
 *   <li>{@code dormant} if g &gt;= dormantAfter (30 d)
 *   <li>{@code at_risk} if g &gt;= risk_after, the user's own rhythm (see {@link #riskAfterMs})
 *   <li>{@code new} if first seen less than newWindow (7 d) ago
 *   <li>{@code resurrected} if the user came back from dormant or churned less than
 *       resurrectedWindow (7 d) ago
 *   <li>{@code active} otherwise
 * </ol>
 *
 * <p>Between events a user's status only changes at one of five instants (last activity plus
 * risk_after, dormantAfter or churnedAfter; first seen plus newWindow; comeback plus
 * resurrectedWindow), so {@link #nextChangeAfter} finds the exact instant of the next change
 * without scanning time.
 */
public final class RetentionRules implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Marks "no such instant" (no comeback yet, no further change). */
    public static final long NONE = Long.MIN_VALUE;
    public static final long NEVER = Long.MAX_VALUE;

    private final long newWindowMs;
    private final long resurrectedWindowMs;
    private final long dormantAfterMs;
    private final long churnedAfterMs;
    private final long defaultRiskAfterMs;
    private final int rhythmMinActiveDays;
    private final double rhythmMultiplier;
    private final long riskAfterMinMs;
    private final long riskAfterMaxMs;

    public RetentionRules(
            Duration newWindow,
            Duration resurrectedWindow,
            Duration dormantAfter,
            Duration churnedAfter,
            Duration defaultRiskAfter,
            int rhythmMinActiveDays,
            double rhythmMultiplier,
            Duration riskAfterMin,
            Duration riskAfterMax) {
        this.newWindowMs = positive(newWindow, "new window");
        this.resurrectedWindowMs = positive(resurrectedWindow, "resurrected window");
        this.dormantAfterMs = positive(dormantAfter, "dormant after");
        this.churnedAfterMs = positive(churnedAfter, "churned after");
        this.defaultRiskAfterMs = positive(defaultRiskAfter, "default risk after");
        this.rhythmMinActiveDays = rhythmMinActiveDays;
        this.rhythmMultiplier = rhythmMultiplier;
        this.riskAfterMinMs = positive(riskAfterMin, "risk after min");
        this.riskAfterMaxMs = positive(riskAfterMax, "risk after max");
        if (rhythmMinActiveDays < 2) {
            throw new IllegalArgumentException("A rhythm needs at least 2 active days, got " + rhythmMinActiveDays);
        }
        if (!(rhythmMultiplier > 0)) {
            throw new IllegalArgumentException("Rhythm multiplier must be positive: " + rhythmMultiplier);
        }
        if (riskAfterMinMs > riskAfterMaxMs) {
            throw new IllegalArgumentException("risk-after min exceeds max");
        }
        if (dormantAfterMs > churnedAfterMs) {
            throw new IllegalArgumentException("dormant-after exceeds churned-after");
        }
    }

    /** The definition as the README states it. */
    public static RetentionRules defaults() {
        return new RetentionRules(Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(90),
                Duration.ofDays(14), 3, 3.0, Duration.ofDays(2), Duration.ofDays(30));
    }

    private static long positive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d.toMillis();
    }

    /**
     * How long a silence may last before the user is at risk: {@code defaultRiskAfter} (14 d) with
     * fewer than {@code rhythmMinActiveDays} (3) distinct active days, else {@code rhythmMultiplier}
     * (3) times the mean gap between consecutive active days, clamped to [2 d, 30 d]. The mean gap
     * of n distinct days is (last - first) / (n - 1); the result is rounded down to the millisecond.
     */
    public long riskAfterMs(int activeDays, int firstActiveDay, int lastActiveDay) {
        if (activeDays < rhythmMinActiveDays) {
            return defaultRiskAfterMs;
        }
        double meanGapMs = (double) (lastActiveDay - firstActiveDay) * DayClock.DAY_MS / (activeDays - 1);
        long riskAfter = (long) Math.floor(rhythmMultiplier * meanGapMs);
        return Math.max(riskAfterMinMs, Math.min(riskAfterMaxMs, riskAfter));
    }

    /**
     * The status at instant {@code t}, for a user first seen at {@code firstSeenAt}, last active at
     * {@code lastActiveAt <= t}, with the given risk_after and comeback instant ({@link #NONE} if
     * the user never came back from dormant or churned).
     */
    public RetentionStatus statusAt(long t, long firstSeenAt, long lastActiveAt, long riskAfterMs, long resurrectedAt) {
        long silence = t - lastActiveAt;
        if (silence >= churnedAfterMs) {
            return RetentionStatus.CHURNED;
        }
        if (silence >= dormantAfterMs) {
            return RetentionStatus.DORMANT;
        }
        if (silence >= riskAfterMs) {
            return RetentionStatus.AT_RISK;
        }
        if (t - firstSeenAt < newWindowMs) {
            return RetentionStatus.NEW;
        }
        if (resurrectedAt != NONE && t - resurrectedAt < resurrectedWindowMs) {
            return RetentionStatus.RESURRECTED;
        }
        return RetentionStatus.ACTIVE;
    }

    /**
     * The first instant after {@code t} at which the status differs from {@code current}, assuming
     * no new activity; {@link #NEVER} if it stays (a churned user stays churned).
     */
    public long nextChangeAfter(
            long t, RetentionStatus current, long firstSeenAt, long lastActiveAt, long riskAfterMs, long resurrectedAt) {
        long[] candidates = {
            lastActiveAt + riskAfterMs,
            lastActiveAt + dormantAfterMs,
            lastActiveAt + churnedAfterMs,
            firstSeenAt + newWindowMs,
            resurrectedAt == NONE ? NEVER : resurrectedAt + resurrectedWindowMs,
        };
        java.util.Arrays.sort(candidates);
        for (long c : candidates) {
            if (c > t && c != NEVER
                    && statusAt(c, firstSeenAt, lastActiveAt, riskAfterMs, resurrectedAt) != current) {
                return c;
            }
        }
        return NEVER;
    }
}
