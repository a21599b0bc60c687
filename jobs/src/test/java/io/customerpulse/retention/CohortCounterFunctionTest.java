package io.customerpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.util.List;

class CohortCounterFunctionTest {

    @Test
    void countsUsersPerDayAndCarriesTheCohortSize() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CohortActivity, CohortRow> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new CohortCounterFunction(), CohortActivity::cohortKey, Types.STRING)) {
            h.processElement(new CohortActivity(100, "app", 0, 10), 10);   // alice joins
            h.processElement(new CohortActivity(100, "app", 0, 20), 20);   // bob joins
            h.processElement(new CohortActivity(100, "app", 1, 30), 30);   // alice back on day 1
            h.processElement(new CohortActivity(100, "web", 0, 25), 25);   // another cohort
            h.processElement(new CohortActivity(100, "app", 0, 26), 26);   // carol joins late: sizes update
            List<CohortRow> rows = h.extractOutputValues();

            assertThat(rows).containsExactly(
                    new CohortRow(100, "app", 0, 1, 1, 10),
                    new CohortRow(100, "app", 0, 2, 2, 20),
                    new CohortRow(100, "app", 1, 1, 2, 30),
                    new CohortRow(100, "web", 0, 1, 1, 25),
                    // carol: every row of the cohort is re-emitted with the new size; each row's as_of is
                    // the newest activity counted in it
                    new CohortRow(100, "app", 0, 3, 3, 26),
                    new CohortRow(100, "app", 1, 1, 3, 30));
        }
    }

    @Test
    void aLaterDayBeforeTheCohortsSizeWaitsForIt() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CohortActivity, CohortRow> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new CohortCounterFunction(), CohortActivity::cohortKey, Types.STRING)) {
            h.processElement(new CohortActivity(100, "app", 3, 40), 40);   // alice's day 3, flushed first
            assertThat(h.extractOutputValues()).isEmpty();                   // no "1 of 0" row
            h.processElement(new CohortActivity(100, "app", 0, 10), 10);   // her day 0: the cohort's size

            assertThat(h.extractOutputValues()).containsExactlyInAnyOrder(
                    new CohortRow(100, "app", 0, 1, 1, 10),
                    new CohortRow(100, "app", 3, 1, 1, 40));
        }
    }

    @Test
    void combinedActivitiesCountAsManyUsersAsTheyCarry() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, CohortActivity, CohortRow> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new CohortCounterFunction(), CohortActivity::cohortKey, Types.STRING)) {
            CohortActivity joined = CohortActivity.combine(new CohortActivity(100, "app", 0, 10), new CohortActivity(100, "app", 0, 20));
            CohortActivity back = new CohortActivity(100, "app", 1, 30);
            h.processElement(joined, 20);                                                    // alice and bob join
            h.processElement(back, 30);                                                      // alice back on day 1
            h.processElement(CohortActivity.combine(joined, new CohortActivity(100, "app", 0, 26)), 26); // three more join

            assertThat(h.extractOutputValues()).containsExactly(
                    new CohortRow(100, "app", 0, 2, 2, 20),
                    new CohortRow(100, "app", 1, 1, 2, 30),
                    new CohortRow(100, "app", 0, 5, 5, 26),
                    new CohortRow(100, "app", 1, 1, 5, 30));
        }
    }
}
