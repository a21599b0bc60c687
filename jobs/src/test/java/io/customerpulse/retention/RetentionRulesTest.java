package io.customerpulse.retention;

import static io.customerpulse.retention.RetentionStatus.ACTIVE;
import static io.customerpulse.retention.RetentionStatus.AT_RISK;
import static io.customerpulse.retention.RetentionStatus.CHURNED;
import static io.customerpulse.retention.RetentionStatus.DORMANT;
import static io.customerpulse.retention.RetentionStatus.NEW;
import static io.customerpulse.retention.RetentionStatus.RESURRECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class RetentionRulesTest {
    private static final long D = Duration.ofDays(1).toMillis();
    private static final long MS = 1;
    private final RetentionRules rules = RetentionRules.defaults();
    private final long none = RetentionRules.NONE;

    @Test
    void riskAfterIsFourteenDaysUntilThreeActiveDays() {
        assertThat(rules.riskAfterMs(1, 100, 100)).isEqualTo(14 * D);
        assertThat(rules.riskAfterMs(2, 100, 101)).isEqualTo(14 * D);
    }

    @Test
    void riskAfterIsThreeTimesTheMeanGapBetweenActiveDays() {
        // days 100, 102, 106: gaps 2 and 4, mean 3 -> 9 days
        assertThat(rules.riskAfterMs(3, 100, 106)).isEqualTo(9 * D);
        // days 0, 1, 3: mean gap 1.5 -> 4.5 days
        assertThat(rules.riskAfterMs(3, 0, 3)).isEqualTo(4 * D + D / 2);
    }

    @Test
    void riskAfterIsClampedToTwoAndThirtyDays() {
        // daily user: mean gap 1 day -> 3 days (inside); every day for 10 days -> still 3
        assertThat(rules.riskAfterMs(10, 0, 9)).isEqualTo(3 * D);
        // gap 1 day but multiplier 3 ... a mean gap of 0.5 is impossible with whole days, so use the clamp at 30:
        assertThat(rules.riskAfterMs(3, 0, 40)).isEqualTo(30 * D); // mean gap 20 -> 60 -> 30
        RetentionRules tight = new RetentionRules(Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(30),
                Duration.ofDays(90), Duration.ofDays(14), 3, 1.0, Duration.ofDays(2), Duration.ofDays(30));
        assertThat(tight.riskAfterMs(3, 0, 2)).isEqualTo(2 * D); // mean gap 1 -> 1 day -> clamped up to 2
    }

    @Test
    void statusesAtTheirBoundaries() {
        long first = 0;
        long last = 0;
        long risk = 14 * D;
        assertThat(rules.statusAt(0, first, last, risk, none)).isEqualTo(NEW);
        assertThat(rules.statusAt(7 * D - MS, first, last, risk, none)).isEqualTo(NEW);
        assertThat(rules.statusAt(7 * D, first, last, risk, none)).isEqualTo(ACTIVE);
        assertThat(rules.statusAt(14 * D - MS, first, last, risk, none)).isEqualTo(ACTIVE);
        assertThat(rules.statusAt(14 * D, first, last, risk, none)).isEqualTo(AT_RISK);
        assertThat(rules.statusAt(30 * D - MS, first, last, risk, none)).isEqualTo(AT_RISK);
        assertThat(rules.statusAt(30 * D, first, last, risk, none)).isEqualTo(DORMANT);
        assertThat(rules.statusAt(90 * D - MS, first, last, risk, none)).isEqualTo(DORMANT);
        assertThat(rules.statusAt(90 * D, first, last, risk, none)).isEqualTo(CHURNED);
    }

    @Test
    void atRiskWinsOverNewWhenTheRhythmIsFast() {
        // first seen day 0, active days 0,1,2 -> risk_after 3 days; silent since day 2
        long risk = rules.riskAfterMs(3, 0, 2);
        assertThat(rules.statusAt(5 * D, 0, 2 * D, risk, none)).isEqualTo(AT_RISK);
        assertThat(rules.statusAt(5 * D - MS, 0, 2 * D, risk, none)).isEqualTo(NEW);
    }

    @Test
    void resurrectedForSevenDaysAfterComingBack() {
        long first = 0;
        long back = 100 * D;
        long risk = 14 * D;
        assertThat(rules.statusAt(back, first, back, risk, back)).isEqualTo(RESURRECTED);
        assertThat(rules.statusAt(back + 7 * D - MS, first, back + 3 * D, risk, back)).isEqualTo(RESURRECTED);
        assertThat(rules.statusAt(back + 7 * D, first, back + 3 * D, risk, back)).isEqualTo(ACTIVE);
    }

    @Test
    void nextChangeIsTheExactThresholdInstant() {
        assertThat(rules.nextChangeAfter(0, NEW, 0, 0, 14 * D, none)).isEqualTo(7 * D);
        assertThat(rules.nextChangeAfter(7 * D, ACTIVE, 0, 0, 14 * D, none)).isEqualTo(14 * D);
        assertThat(rules.nextChangeAfter(14 * D, AT_RISK, 0, 0, 14 * D, none)).isEqualTo(30 * D);
        assertThat(rules.nextChangeAfter(30 * D, DORMANT, 0, 0, 14 * D, none)).isEqualTo(90 * D);
        assertThat(rules.nextChangeAfter(90 * D, CHURNED, 0, 0, 14 * D, none)).isEqualTo(RetentionRules.NEVER);
    }

    @Test
    void nextChangeSkipsInstantsWhereTheStatusStaysTheSame() {
        // at risk on day 5 already (fast rhythm), day 7 (end of "new") changes nothing: next is dormant.
        long risk = rules.riskAfterMs(3, 0, 2);
        assertThat(rules.nextChangeAfter(5 * D, AT_RISK, 0, 2 * D, risk, none)).isEqualTo(32 * D);
    }

    @Test
    void refusesInconsistentConfiguration() {
        assertThatThrownBy(() -> new RetentionRules(Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(100),
                Duration.ofDays(90), Duration.ofDays(14), 3, 3, Duration.ofDays(2), Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetentionRules(Duration.ZERO, Duration.ofDays(7), Duration.ofDays(30),
                Duration.ofDays(90), Duration.ofDays(14), 3, 3, Duration.ofDays(2), Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
