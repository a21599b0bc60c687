package io.customerpulse.retention;

import io.customerpulse.events.EventType;

import java.io.Serializable;
import java.time.Duration;

/**
 * activity_score = sum over the user's events of weight(e) * 0.5^((as_of - event_time(e)) / half_life).
 *
 * <p>Kept as one number per user: the score at the last activity instant. Decaying it to a later
 * instant multiplies by 0.5^(elapsed / half_life), and a new event adds its weight after decaying
 * the old score to the event's instant, which gives exactly the sum above. StrictMath keeps the
 * result bit-identical between a live run and a backfill.
 */
public final class ActivityScore implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double clickWeight;
    private final double shareWeight;
    private final double purchaseWeight;
    private final double halfLifeMs;

    public ActivityScore(double clickWeight, double shareWeight, double purchaseWeight, Duration halfLife) {
        if (halfLife.isZero() || halfLife.isNegative()) {
            throw new IllegalArgumentException("half-life must be positive: " + halfLife);
        }
        this.clickWeight = clickWeight;
        this.shareWeight = shareWeight;
        this.purchaseWeight = purchaseWeight;
        this.halfLifeMs = halfLife.toMillis();
    }

    /** Weights click 1, share 3, purchase 5; half-life 7 days. */
    public static ActivityScore defaults() {
        return new ActivityScore(1, 3, 5, Duration.ofDays(7));
    }

    public double weight(EventType type) {
        return switch (type) {
            case CLICK -> clickWeight;
            case SHARE -> shareWeight;
            case PURCHASE -> purchaseWeight;
        };
    }

    /** The score at {@code to} of a score that was {@code score} at {@code from <= to}. */
    public double decay(double score, long from, long to) {
        if (to == from || score == 0) {
            return score;
        }
        return score * StrictMath.pow(0.5, (to - from) / halfLifeMs);
    }

    /** The score at {@code eventTime} after adding an event to a score held at {@code scoreTime}. */
    public double add(double score, long scoreTime, long eventTime, EventType type) {
        return decay(score, scoreTime, eventTime) + weight(type);
    }
}
