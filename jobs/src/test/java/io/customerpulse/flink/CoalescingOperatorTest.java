package io.customerpulse.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.retention.CohortActivity;
import io.customerpulse.retention.CohortRow;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CoalescingOperatorTest {

    private static OneInputStreamOperatorTestHarness<CohortRow, CohortRow> harness(int maxKeys) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new CoalescingOperator<String, CohortRow>(CohortRow::rowKey, r -> r.asOf, 1000, maxKeys));
    }

    private static CohortRow row(int dayN, long users, long asOf) {
        return new CohortRow(1, "app", dayN, users, 10, asOf);
    }

    @Test
    void keepsTheNewestRowPerKeyUntilAFlush() throws Exception {
        try (var h = harness(100)) {
            h.open();
            h.processElement(row(0, 1, 10), 10);
            h.processElement(row(0, 2, 20), 20);
            h.processElement(row(1, 1, 15), 15);
            h.processElement(row(0, 9, 5), 5); // older version arriving late: ignored
            assertThat(h.extractOutputValues()).isEmpty();

            h.setProcessingTime(1000);
            assertThat(h.extractOutputValues()).containsExactlyInAnyOrder(row(0, 2, 20), row(1, 1, 15));
        }
    }

    @Test
    void flushesBeforeEveryCheckpointBarrierSoNothingIsHeldInState() throws Exception {
        try (var h = harness(100)) {
            h.open();
            h.processElement(row(0, 1, 10), 10);
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).containsExactly(row(0, 1, 10));
        }
    }

    @Test
    void flushesWhenFullAndAtTheEndOfInput() throws Exception {
        try (var h = harness(2)) {
            h.open();
            h.processElement(row(0, 1, 10), 10);
            h.processElement(row(1, 1, 10), 10);
            assertThat(h.extractOutputValues()).hasSize(2);
            h.processElement(row(2, 1, 10), 10);
            h.endInput();
            assertThat(h.extractOutputValues()).hasSize(3);
        }
    }

    private static CohortActivity activity(int dayN, long at) {
        return new CohortActivity(100, "app", dayN, at);
    }

    private static String describe(CohortActivity a) {
        return a.cohortDayKey() + " users=" + a.users + " at=" + a.at;
    }

    @Test
    void combiningSumsEachKeysRecordsAndFlushesAtEveryWatermarkBeforeForwardingIt() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<CohortActivity, CohortActivity>(CoalescingOperator.combining(
                CohortActivity::cohortDayKey, CohortActivity::combine, 1000, 100))) {
            h.open();
            CohortActivity first = activity(0, 10);
            h.processElement(first, 10);
            h.processElement(activity(0, 30), 30);
            h.processElement(activity(1, 20), 20);
            h.processElement(activity(0, 25), 25);
            assertThat(h.getOutput()).isEmpty();

            h.processWatermark(30);
            // Three users on day 0 (newest at 30), one on day 1; then the watermark, after them.
            assertThat(h.getOutput()).hasSize(3);
            assertThat(h.getOutput().toArray()[2]).isEqualTo(new Watermark(30));
            assertThat(h.extractOutputValues()).extracting(CoalescingOperatorTest::describe)
                    .containsExactlyInAnyOrder("100|app|0 users=3 at=30", "100|app|1 users=1 at=20");
            assertThat(first.users).as("the records it received are left as they were").isEqualTo(1);

            h.processElement(activity(0, 40), 40);
            h.endInput();
            assertThat(h.extractOutputValues()).extracting(CoalescingOperatorTest::describe).last()
                    .isEqualTo("100|app|0 users=1 at=40");
        }
    }

    @Test
    void newestRowsAreNotFlushedByWatermarks() throws Exception {
        try (var h = harness(100)) {
            h.open();
            h.processElement(row(0, 1, 10), 10);
            h.processWatermark(10);
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }
}
