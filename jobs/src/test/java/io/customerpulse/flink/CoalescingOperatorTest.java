package io.customerpulse.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.retention.CohortRow;

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
}
