package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bench's warm-up rule on rates it measured (events/s, in the order the runs came). */
class WarmUpTest {

    /** How many runs the rule takes on {@code rates}, or -1 if it never ends within them. */
    private static int runsUntilOver(double... rates) {
        WarmUp warmUp = new WarmUp();
        for (double rate : rates) {
            if (warmUp.overAfter(rate)) {
                return warmUp.runs();
            }
        }
        return -1;
    }

    @Test
    void aPlateauOfTwoAgreeingRunsDoesNotEndItWhileTheNextRunsRiseAgain() {
        // backfill_both in the suite of 2026-12-04 23:03: 68,446 and 71,556 agreed within 10% and
        // ended the old warm-up after three runs; the runs measured after them were 97,656, 91,996
        // and 105,374. Here 71,556 is flat (< 68,446 * 1.05 = 71,868), 97,656 rises again, 91,996
        // is flat (< 102,539), 105,374 rises: not over after six runs.
        assertThat(runsUntilOver(46_871, 68_446, 71_556)).isEqualTo(-1);
        assertThat(runsUntilOver(46_871, 68_446, 71_556, 97_656, 91_996, 105_374)).isEqualTo(-1);
    }

    @Test
    void endsAfterTwoRunsInARowThatDoNotBeatTheBestByFivePercent() {
        // A run of `--only retention_live --no-warm-up` on 2026-12-05: rises to 87,451, then
        // 90,171 (< 87,451 * 1.05 = 91,824) and 87,758 (< 90,171 * 1.05): two flat runs.
        assertThat(runsUntilOver(36_390, 49_358, 87_451, 90_171, 87_758, 99_108)).isEqualTo(5);
    }

    @Test
    void oneFlatRunBetweenRisesDoesNotEndIt() {
        // retention_live of the suite of 2026-12-04 23:03, where the old rule ended after the
        // third run: 48,864 is flat after 51,282, but 54,885 rises again (>= 53,846) and 84,175
        // too, so the count of flat runs starts over.
        assertThat(runsUntilOver(38_797, 51_282, 48_864, 54_885, 84_175)).isEqualTo(-1);
    }

    @Test
    void endsAtTheMostRunsWhenTheRateKeepsRising() {
        assertThat(runsUntilOver(1, 2, 3, 4, 5, 6, 7, 8, 9)).isEqualTo(WarmUp.MAX_RUNS);
    }

    @Test
    void aSteadyRateEndsItAfterThreeRuns() {
        assertThat(runsUntilOver(100_000, 100_000, 100_000, 100_000)).isEqualTo(3);
    }
}
