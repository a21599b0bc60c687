package io.customerpulse.retention;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.purchase;
import static io.customerpulse.testing.Events.share;
import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.customerpulse.events.PulseEvent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class RetentionCalculatorTest {
    private final RetentionCalculator calculator = new RetentionCalculator(RetentionSettings.defaults());
    private final Recorder out = new Recorder();
    private final UserRetentionState state = new UserRetentionState();

    static final class Recorder implements RetentionCalculator.Output {
        final List<StatusTransition> transitions = new ArrayList<>();
        final List<CohortActivity> cohort = new ArrayList<>();

        @Override
        public void transition(StatusTransition transition) {
            transitions.add(transition);
        }

        @Override
        public void cohortActivity(CohortActivity activity) {
            cohort.add(activity);
        }
    }

    private static StatusTransition t(RetentionStatus from, RetentionStatus to, long at) {
        return new StatusTransition("u", from, to, at);
    }

    private void apply(PulseEvent... events) {
        for (PulseEvent e : events) {
            calculator.apply(state, e, out);
        }
    }

    @Test
    void aUserSilentForFortyDaysPassesThroughAtRiskAndDormantAtTheirOwnInstants() {
        apply(click("e1", "u", at(0, 10)), click("e2", "u", at(1, 10)), click("e3", "u", at(2, 10)));
        // Active days 0, 1, 2: mean gap 1 day, so risk_after = 3 days, reached at day 5 10:00 while still new.
        apply(click("e4", "u", at(42, 10)));
        calculator.advanceTo("u", state, day(200), out);

        assertThat(out.transitions).containsExactly(
                t(null, RetentionStatus.NEW, at(0, 10)),
                t(RetentionStatus.NEW, RetentionStatus.AT_RISK, at(5, 10)),
                t(RetentionStatus.AT_RISK, RetentionStatus.DORMANT, at(32, 10)),
                t(RetentionStatus.DORMANT, RetentionStatus.RESURRECTED, at(42, 10)),
                t(RetentionStatus.RESURRECTED, RetentionStatus.ACTIVE, at(49, 10)),
                // days 0,1,2,42: mean gap 14 -> 42 days, clamped to 30: at_risk and dormant coincide, dormant wins
                t(RetentionStatus.ACTIVE, RetentionStatus.DORMANT, at(72, 10)),
                t(RetentionStatus.DORMANT, RetentionStatus.CHURNED, at(132, 10)));
        assertThat(state.status).isEqualTo(RetentionStatus.CHURNED);
        assertThat(calculator.nextChangeAfter(state, state.clock)).isEqualTo(RetentionRules.NEVER);
    }

    @Test
    void aThresholdCrossedAtTheInstantOfAnEventIsAppliedBeforeIt() {
        apply(click("e1", "u", day(0)), click("e2", "u", day(14)));
        assertThat(out.transitions).containsExactly(
                t(null, RetentionStatus.NEW, day(0)),
                t(RetentionStatus.NEW, RetentionStatus.ACTIVE, day(7)),
                t(RetentionStatus.ACTIVE, RetentionStatus.AT_RISK, day(14)),
                t(RetentionStatus.AT_RISK, RetentionStatus.ACTIVE, day(14)));
    }

    @Test
    void churnedUserComingBackIsResurrected() {
        apply(click("e1", "u", day(0)), click("e2", "u", day(100)));
        assertThat(out.transitions).extracting(s -> s.toStatus)
                .containsExactly("new", "active", "at_risk", "dormant", "churned", "resurrected");
        assertThat(state.resurrectedAt).isEqualTo(day(100));
    }

    @Test
    void atRiskUserComingBackIsActiveNotResurrected() {
        apply(click("e1", "u", day(0)), click("e2", "u", day(20)));
        assertThat(out.transitions.get(out.transitions.size() - 1))
                .isEqualTo(t(RetentionStatus.AT_RISK, RetentionStatus.ACTIVE, day(20)));
    }

    @Test
    void rowCarriesTotalsAndLifetimesInputs() {
        apply(click("c1", "u", at(0, 9)),
                purchase("p1", "u", at(0, 10), 1250),
                purchase("p2", "u", at(0, 18), 750), // same day: one purchase day
                share("s1", "u", at(3, 8), "sh-1"),
                purchase("p3", "u", at(3, 9), 999),
                purchase("p4", "u", at(10, 12), 10001));
        calculator.advanceTo("u", state, at(20, 6), out);
        UserRetentionRow row = calculator.row("u", state, at(20, 6));

        assertThat(row.clicks).isEqualTo(1);
        assertThat(row.shares).isEqualTo(1);
        assertThat(row.purchases).isEqualTo(4);
        assertThat(row.revenueMinor).isEqualTo(1250 + 750 + 999 + 10001);
        assertThat(row.firstSeenAt).isEqualTo(at(0, 9));
        assertThat(row.lastActiveAt).isEqualTo(at(10, 12));
        assertThat(row.acquisitionChannel).isEqualTo("app");
        // purchase days 0, 3, 10 -> frequency 2, recency 10, age (day 20 - day 0) 20
        assertThat(row.frequency).isEqualTo(2);
        assertThat(row.recencyDays).isEqualTo(10);
        assertThat(row.ageDays).isEqualTo(20);
        BgNbdModel model = new BgNbdModel(BgNbdParameters.CDNOW_PUBLISHED_DAYS);
        assertThat(row.pAlive).isEqualTo(model.probabilityAlive(2, 10, 20));
        assertThat(row.expectedPurchases30d).isEqualTo(model.expectedPurchases(30, 2, 10, 20));
        // active days 0, 3, 10: mean gap 5 -> risk_after 15 days
        assertThat(row.riskAfterDays).isEqualTo(15.0);
        // silent since day 10 12:00; at day 20 06:00 that is 9.75 days < 15: active
        assertThat(row.status).isEqualTo("active");
        // score: 1*.5^(20.875/7) + 5*.5^(20.833/7) + 5*.5^(20.5/7) + 3*.5^(16.917/7) + 5*.5^(16.875/7) + 5*.5^(9.75/7)
        double expected = 1 * Math.pow(.5, (20 * 24 + 6 - 9) / 168.0) + 5 * Math.pow(.5, (20 * 24 + 6 - 10) / 168.0)
                + 5 * Math.pow(.5, (20 * 24 + 6 - 18) / 168.0) + 3 * Math.pow(.5, (17 * 24 + 6 - 8) / 168.0)
                + 5 * Math.pow(.5, (17 * 24 + 6 - 9) / 168.0) + 5 * Math.pow(.5, (10 * 24 + 6 - 12) / 168.0);
        assertThat(row.activityScore).isCloseTo(expected, within(1e-12));
    }

    @Test
    void neverBoughtHasNoRepeatPurchaseFigures() {
        apply(click("c1", "u", day(0)));
        UserRetentionRow row = calculator.row("u", state, day(1));
        assertThat(row.frequency).isNull();
        assertThat(row.recencyDays).isNull();
        assertThat(row.ageDays).isNull();
        assertThat(row.pAlive).isNull();
        assertThat(row.expectedPurchases30d).isNull();
        assertThat(row.riskAfterDays).isEqualTo(14.0);
    }

    @Test
    void emitsOneCohortActivityPerDistinctActiveDay() {
        apply(click("e1", "u", at(0, 1), "qr"), click("e2", "u", at(0, 5), "app"), click("e3", "u", at(1, 1), "web"),
                click("e4", "u", at(7, 1), "web"), click("e5", "u", at(7, 23), "web"));
        int cohortDay = (int) (day(0) / 86_400_000L);
        assertThat(out.cohort).extracting(a -> a.cohortDay + "/" + a.channel + "/" + a.dayN)
                .containsExactly(cohortDay + "/qr/0", cohortDay + "/qr/1", cohortDay + "/qr/7");
    }

    @Test
    void daysFollowTheConfiguredTimeZone() {
        RetentionCalculator shanghai = new RetentionCalculator(
                RetentionSettings.builder().zone(java.time.ZoneId.of("Asia/Shanghai")).build());
        // 2025-01-01T20:00Z and 2025-01-02T02:00Z are both 2025-01-02 in Shanghai (UTC+8): one day.
        shanghai.apply(state, purchase("p1", "u", at(0, 20), 100), out);
        shanghai.apply(state, purchase("p2", "u", at(1, 2), 100), out);
        assertThat(state.purchaseDays).isEqualTo(1);
        assertThat(state.activeDays).isEqualTo(1);
    }

    @Test
    void refusesEventsBehindTheClock() {
        apply(click("e1", "u", day(10)));
        assertThatThrownBy(() -> apply(click("e0", "u", day(9)))).isInstanceOf(IllegalArgumentException.class);
    }
}
