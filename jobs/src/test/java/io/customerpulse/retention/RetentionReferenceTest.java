package io.customerpulse.retention;

import static io.customerpulse.testing.Times.DAY;
import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.retention.RetentionReference.Canonical;
import io.customerpulse.testing.Events;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The brute-force oracle on small histories whose expected rows are worked out by hand from the
 * README's definitions (defaults: risk_after 14 d below 3 active days, else 3 x mean gap clamped
 * to [2 d, 30 d]; new 7 d; resurrected 7 d; dormant 30 d; churned 90 d; half-life 7 d; weights
 * click 1, share 3, purchase 5; days in UTC).
 */
class RetentionReferenceTest {
    private final RetentionReference reference = new RetentionReference(RetentionSettings.defaults());

    @Test
    void aRegularUserGoesAtRiskWhenTheyBreakTheirOwnRhythm() {
        // Active days 0, 2, 4, 6: mean gap (6 - 0) / 3 = 2 d, risk_after 3 x 2 d = 6 d (from day 4 on;
        // with two active days it is still 14 d). At risk at day 6 10:00 + 6 d = day 12 10:00.
        RetentionReference.Result r = reference.compute(List.of(
                Events.click("r1", "r", at(0, 10)), Events.click("r2", "r", at(2, 10)),
                Events.click("r3", "r", at(4, 10)), Events.click("r4", "r", at(6, 10))), day(20));

        assertThat(r.transitions()).containsExactly(
                row("r", null, "new", at(0, 10)),
                row("r", "new", "active", at(7, 10)), // first seen + 7 d
                row("r", "active", "at_risk", at(12, 10)));
        // score at day 12 10:00 = 0.5^(12/7) + 0.5^(10/7) + 0.5^(8/7) + 0.5^(6/7) = 1.681159
        assertThat(r.userRetention()).containsExactly(row("r", "at_risk", "1.681159", at(0, 10), at(6, 10), "app",
                4, 0, 0, "0.00", null, null, null, null, null, "6.000000", at(12, 10)));
    }

    @Test
    void aUserSilentForFortyDaysPassesThroughAtRiskAndDormantThenIsResurrected() {
        // Days 0..3 at noon: risk_after 3 x 1 d = 3 d, so at risk at day 6 noon, while still within
        // the 7 days of "new" (at_risk is the earlier rule). Dormant at day 3 + 30 d. The event at
        // day 43 comes back from dormant: resurrected until day 50 noon, then active. Active days
        // {0,1,2,3,43}: 3 x 43 d / 4 = 32.25 d, clamped to 30 d.
        RetentionReference.Result r = reference.compute(List.of(
                Events.click("s1", "s", at(0, 12)), Events.click("s2", "s", at(1, 12)),
                Events.click("s3", "s", at(2, 12)), Events.click("s4", "s", at(3, 12)),
                Events.click("s5", "s", at(43, 12))), day(60));

        assertThat(r.transitions()).containsExactly(
                row("s", null, "new", at(0, 12)),
                row("s", "new", "at_risk", at(6, 12)),
                row("s", "at_risk", "dormant", at(33, 12)),
                row("s", "dormant", "resurrected", at(43, 12)),
                row("s", "resurrected", "active", at(50, 12)));
        // 0.5^(50/7) + 0.5^(49/7) + 0.5^(48/7) + 0.5^(47/7) + 0.5^(7/7) = 0.533038
        assertThat(r.userRetention()).containsExactly(row("s", "active", "0.533038", at(0, 12), at(43, 12), "app",
                5, 0, 0, "0.00", null, null, null, null, null, "30.000000", at(50, 12)));
    }

    @Test
    void aSilentUserChurnsAtNinetyDaysAndNothingHappensAfterTheClock() {
        List<PulseEvent> once = List.of(Events.click("c1", "c", day(0)));
        // A clock that ran to the end of time: every threshold is applied.
        RetentionReference.Result r = reference.compute(once, Long.MAX_VALUE);
        assertThat(r.transitions()).containsExactly(
                row("c", null, "new", day(0)),
                row("c", "new", "active", day(7)),
                row("c", "active", "at_risk", day(14)), // fewer than 3 active days: 14 d
                row("c", "at_risk", "dormant", day(30)),
                row("c", "dormant", "churned", day(90)));
        // 0.5^(90/7) = 0.000135
        assertThat(r.userRetention()).containsExactly(row("c", "churned", "0.000135", day(0), day(0), "app",
                1, 0, 0, "0.00", null, null, null, null, null, "14.000000", day(90)));

        RetentionReference.Result beforeChurn = reference.compute(once, day(90) - 1);
        assertThat(beforeChurn.transitions()).hasSize(4);
        assertThat(beforeChurn.userRetention()).singleElement().asString()
                .startsWith("c | dormant | ").endsWith(" | " + day(30));
    }

    @Test
    void aNewUserBecomesActiveSevenDaysAfterFirstSeenIfTheClockGetsThere() {
        List<PulseEvent> events = List.of(Events.click("n1", "n", at(0, 8)), Events.click("n2", "n", at(5, 8)));
        assertThat(reference.compute(events, at(7, 8)).transitions())
                .containsExactly(row("n", null, "new", at(0, 8)), row("n", "new", "active", at(7, 8)));
        assertThat(reference.compute(events, at(7, 8)).userRetention()).singleElement().asString()
                .startsWith("n | active | ").endsWith(" | " + at(7, 8));

        RetentionReference.Result early = reference.compute(events, at(7, 8) - 1);
        assertThat(early.transitions()).containsExactly(row("n", null, "new", at(0, 8)));
        assertThat(early.userRetention()).singleElement().asString()
                .startsWith("n | new | ").endsWith(" | " + at(5, 8));
    }

    @Test
    void aThresholdCrossedAtTheInstantOfAnEventAppliesBeforeTheEvent() {
        RetentionReference.Result r = reference.compute(List.of(
                // t: silent exactly 14 d (risk_after) when the next event comes: at risk, then active again.
                Events.click("t1", "t", day(0)), Events.click("t2", "t", day(14)),
                // u: one millisecond earlier, never at risk.
                Events.click("u1", "u", day(0)), Events.click("u2", "u", day(14) - 1),
                // d: silent exactly 30 d: at risk at 14 d, dormant at 30 d, and the event is a comeback.
                Events.click("d1", "d", day(0)), Events.click("d2", "d", day(30))), day(40));

        assertThat(r.transitions()).containsExactly(
                row("d", null, "new", day(0)),
                row("d", "new", "active", day(7)),
                row("d", "active", "at_risk", day(14)),
                row("d", "at_risk", "dormant", day(30)),
                row("d", "dormant", "resurrected", day(30)),
                row("d", "resurrected", "active", day(37)),
                row("t", null, "new", day(0)),
                row("t", "new", "active", day(7)),
                // the same instant, in table order (to_status): the event's change sorts first
                row("t", "at_risk", "active", day(14)),
                row("t", "active", "at_risk", day(14)),
                // active days {0, 14}: still 14 d, next at risk at day 28
                row("t", "active", "at_risk", day(28)),
                row("u", null, "new", day(0)),
                row("u", "new", "active", day(7)),
                row("u", "active", "at_risk", day(28) - 1));
        assertThat(r.userRetention()).extracting(s -> s.split(" \\| ")[1] + "@" + s.split(" \\| ")[16])
                .containsExactly("active@" + day(37), "at_risk@" + day(28), "at_risk@" + (day(28) - 1));
    }

    @Test
    void duplicatesCountOnceWithinTheDedupHorizonOfTheCountedEvent() {
        RetentionReference.Result r = reference.compute(List.of(
                Events.click("k", "x", at(0, 10)),
                Events.click("k", "x", at(0, 10)), // the same delivery twice: dropped
                Events.purchase("p", "x", at(1, 10), 1000),
                Events.purchase("p", "x", at(1, 10), 1000), // dropped
                Events.click("k", "x", at(6, 10)), // 6 d after the counted "k": dropped
                Events.click("k", "x", at(7, 10))), // exactly 7 d after it: counts again
                at(7, 10));

        // x: clicks 2, purchases 1 (10.00). Active days {0, 1, 7}: 3 x 7 d / 2 = 10.5 d.
        // score at day 7 10:00: 1 x 0.5^(7/7) + 5 x 0.5^(6/7) + 1 = 4.260224.
        // Purchase days {1}: frequency 0, recency 0, age 7 - 1 = 6; p_alive 1 without repeat purchases.
        String expected30d = Canonical.decimal6(
                new BgNbdModel(BgNbdParameters.CDNOW_PUBLISHED_DAYS).expectedPurchases(30, 0, 0, 6));
        assertThat(r.userRetention()).containsExactly(row("x", "active", "4.260224", at(0, 10), at(7, 10), "app",
                2, 0, 1, "10.00", 0, 0, 6, "1.000000", expected30d, "10.500000", at(7, 10)));
        assertThat(r.transitions()).filteredOn(s -> s.startsWith("x |"))
                .containsExactly(row("x", null, "new", at(0, 10)), row("x", "new", "active", at(7, 10)));

        // "m" counted at day 0; day 5 dropped; day 10 is 10 d after the counted one: counts again.
        RetentionReference.Result y = reference.compute(List.of(
                Events.click("m", "y", day(0)), Events.click("m", "y", day(5)), Events.click("m", "y", day(10))),
                day(10));
        assertThat(y.userRetention()).singleElement().asString().contains(" | app | 2 | 0 | 0 | 0.00 | ");
    }

    @Test
    void activityScoreDecaysWithTheHalfLifeAndWeighsEventTypes() {
        // share (3) 14 d before as_of, purchase (5) 7 d before, click (1) at as_of: 0.75 + 2.5 + 1 = 4.25.
        RetentionReference.Result r = reference.compute(List.of(
                Events.share("sc1", "sc", day(0), "sh-1"), Events.purchase("sc2", "sc", day(7), 1250),
                Events.click("sc3", "sc", day(14))), day(14));
        String expected30d = Canonical.decimal6(
                new BgNbdModel(BgNbdParameters.CDNOW_PUBLISHED_DAYS).expectedPurchases(30, 0, 0, 7));
        // active days {0, 7, 14}: 3 x 14 d / 2 = 21 d
        assertThat(r.userRetention()).containsExactly(row("sc", "active", "4.250000", day(0), day(14), "app",
                1, 1, 1, "12.50", 0, 0, 7, "1.000000", expected30d, "21.000000", day(14)));
    }

    @Test
    void repeatPurchaseInputsCountCalendarDaysOfTheConfiguredZone() {
        List<PulseEvent> purchases = List.of(
                Events.purchase("q1", "q", at(0, 23), 100), Events.purchase("q2", "q", at(1, 1), 100),
                Events.purchase("q3", "q", at(1, 5), 100), Events.purchase("q4", "q", at(10, 12), 100));
        // UTC purchase days {0, 1, 10}: frequency 2, recency 10, age (as_of day 10) 10; two hours
        // apart across midnight are two days. p_alive = 1 / (1 + 0.793 / (2.426 + 1) x 1) = 0.812041.
        // Active days the same: risk_after 3 x 10 d / 2 = 15 d, at risk at day 25 > clock.
        String utc30d = Canonical.decimal6(
                new BgNbdModel(BgNbdParameters.CDNOW_PUBLISHED_DAYS).expectedPurchases(30, 2, 10, 10));
        assertThat(reference.compute(purchases, day(20)).userRetention()).containsExactly(row("q", "active",
                decimal6(5 * (Math.pow(0.5, (9 * DAY + 13 * 3_600_000L) / (7.0 * DAY))
                        + Math.pow(0.5, (9 * DAY + 11 * 3_600_000L) / (7.0 * DAY))
                        + Math.pow(0.5, (9 * DAY + 7 * 3_600_000L) / (7.0 * DAY)) + 1)),
                at(0, 23), at(10, 12), "web", 0, 0, 4, "4.00", 2, 10, 10, "0.812041", utc30d, "15.000000",
                at(10, 12)));

        // In Shanghai (UTC+8) the first three fall on local day 1, the last on day 10: frequency 1,
        // recency 9, age 9, p_alive = 1 / (1 + 0.793 / 2.426) = 0.753650; two active days: 14 d.
        RetentionReference shanghai = new RetentionReference(
                RetentionSettings.builder().zone(ZoneId.of("Asia/Shanghai")).build());
        assertThat(shanghai.compute(purchases, day(20)).userRetention()).singleElement().asString()
                .contains(" | 4.00 | 1 | 9 | 9 | 0.753650 | ").endsWith(" | 14.000000 | " + at(10, 12));
    }

    @Test
    void cohortsCountDistinctUsersPerDayAfterTheirFirstActivity() {
        List<PulseEvent> events = new ArrayList<>(List.of(
                Events.click("a1", "a", at(0, 10)), Events.click("a2", "a", at(1, 9)),
                Events.click("a3", "a", at(3, 8)), Events.click("a4", "a", at(3, 20)),
                Events.click("b1", "b", at(0, 12)), Events.click("b2", "b", at(3, 7)),
                Events.click("b3", "b", at(3, 22)),
                Events.click("c1", "c", at(0, 5), "web"),
                // e: two events at the same millisecond; the smaller event_id is first: channel store
                Events.click("e1", "e", at(1, 6), "web"), Events.click("e0", "e", at(1, 6), "store"),
                Events.click("f1", "f", at(1, 3))));
        RetentionReference.Result r = reference.compute(events, day(5));
        LocalDate d0 = LocalDate.of(2025, 1, 1);
        LocalDate d1 = d0.plusDays(1);
        assertThat(r.cohorts()).containsExactly(
                row(d0, "app", 0, 2, 2, at(0, 12)), // a at 10:00, b at 12:00
                row(d0, "app", 1, 1, 2, at(1, 9)),
                row(d0, "app", 3, 2, 2, at(3, 8)), // first activities of the day: a 08:00, b 07:00
                row(d0, "web", 0, 1, 1, at(0, 5)),
                row(d1, "app", 0, 1, 1, at(1, 3)),
                row(d1, "store", 0, 1, 1, at(1, 6)));
        assertThat(r.userRetention()).filteredOn(s -> s.startsWith("e |")).singleElement().asString()
                .contains(" | store | 2 | 0 | 0 | ");
    }

    @Test
    void canonicalFormats() {
        assertThat(Canonical.row("u", null, 12L, LocalDate.of(2025, 3, 1))).isEqualTo("u | null | 12 | 2025-03-01");
        assertThat(Canonical.decimal6(0.1234565)).isEqualTo("0.123457");
        assertThat(Canonical.decimal6((Double) null)).isNull();
        assertThat(Canonical.money(new BigDecimal("12.5"))).isEqualTo("12.50");
        assertThat(Canonical.money(-1999)).isEqualTo("-19.99");
        assertThat(Canonical.millis(new java.sql.Timestamp(1234L))).isEqualTo("1234");
        assertThat(Canonical.date(java.sql.Date.valueOf("2025-01-02"))).isEqualTo("2025-01-02");
    }

    private static String row(Object... columns) {
        return Canonical.row(columns);
    }

    private static String decimal6(double value) {
        return Canonical.decimal6(value);
    }
}
