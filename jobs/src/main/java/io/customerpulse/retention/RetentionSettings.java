package io.customerpulse.retention;

import io.customerpulse.flink.PendingEvents;
import io.customerpulse.time.DayClock;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Every knob of the retention definitions, with the README's defaults. Immutable. */
public final class RetentionSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final RetentionRules rules;
    public final ActivityScore score;
    public final BgNbdParameters model;
    /** The horizon of expected_purchases_30d (30 days). */
    public final Duration expectedPurchasesHorizon;
    public final ZoneId zone;
    /** How long an event id is remembered (in event time) to drop at-least-once duplicates. */
    public final Duration dedupHorizon;
    /**
     * How many events a parallel instance of the user timeline holds on its heap while they wait
     * for the event-time clock; more wait in the users' state (UserRetentionFunction).
     */
    public final int maxWaitingOnHeap;

    private RetentionSettings(Builder b) {
        this.rules = b.rules;
        this.score = b.score;
        this.model = b.model;
        this.expectedPurchasesHorizon = b.expectedPurchasesHorizon;
        this.zone = b.zone;
        this.dedupHorizon = b.dedupHorizon;
        this.maxWaitingOnHeap = b.maxWaitingOnHeap;
    }

    public static RetentionSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public DayClock dayClock() {
        return new DayClock(zone);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.rules = rules;
        b.score = score;
        b.model = model;
        b.expectedPurchasesHorizon = expectedPurchasesHorizon;
        b.zone = zone;
        b.dedupHorizon = dedupHorizon;
        b.maxWaitingOnHeap = maxWaitingOnHeap;
        return b;
    }

    public static final class Builder {
        private RetentionRules rules = RetentionRules.defaults();
        private ActivityScore score = ActivityScore.defaults();
        private BgNbdParameters model = BgNbdParameters.CDNOW_PUBLISHED_DAYS;
        private Duration expectedPurchasesHorizon = Duration.ofDays(30);
        private ZoneId zone = ZoneOffset.UTC;
        private Duration dedupHorizon = Duration.ofDays(7);
        private int maxWaitingOnHeap = PendingEvents.DEFAULT_LIMIT;

        public Builder rules(RetentionRules rules) {
            this.rules = rules;
            return this;
        }

        public Builder score(ActivityScore score) {
            this.score = score;
            return this;
        }

        public Builder model(BgNbdParameters model) {
            this.model = model;
            return this;
        }

        public Builder expectedPurchasesHorizon(Duration horizon) {
            this.expectedPurchasesHorizon = horizon;
            return this;
        }

        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        public Builder dedupHorizon(Duration dedupHorizon) {
            this.dedupHorizon = dedupHorizon;
            return this;
        }

        public Builder maxWaitingOnHeap(int events) {
            if (events < 0) {
                throw new IllegalArgumentException("events waiting on the heap cannot be negative: " + events);
            }
            this.maxWaitingOnHeap = events;
            return this;
        }

        public RetentionSettings build() {
            return new RetentionSettings(this);
        }
    }
}
