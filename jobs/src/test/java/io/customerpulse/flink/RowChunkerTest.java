package io.customerpulse.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

class RowChunkerTest {

    /** Rows are "key:version" strings; the key is what comes before the colon. */
    private static OneInputStreamOperatorTestHarness<String, List<String>> harness(int maxRows) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<String, List<String>>(
                new RowChunker<String, String>(row -> row.substring(0, row.indexOf(':')), maxRows));
        h.setProcessingTime(100);
        h.open();
        return h;
    }

    @Test
    void aChunkGoesOutWhenTheWorkInProgressIsDoneNotAfterAWait() throws Exception {
        try (var h = harness(10)) {
            h.processElement("a:1", 1);
            h.processElement("b:1", 1);
            h.processElement("c:1", 1);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getProcessingTimeService().getNumActiveTimers()).isEqualTo(1);

            // The timer is due at the time it was set: it fires as soon as the task is free.
            h.setProcessingTime(100);
            assertThat(h.extractOutputValues()).containsExactly(List.of("a:1", "b:1", "c:1"));
            assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
        }
    }

    @Test
    void aFullChunkGoesOutAtOnce() throws Exception {
        try (var h = harness(2)) {
            h.processElement("a:1", 1);
            h.processElement("b:1", 1);
            h.processElement("c:1", 1);
            assertThat(h.extractOutputValues()).containsExactly(List.of("a:1", "b:1"));
            h.setProcessingTime(101);
            assertThat(h.extractOutputValues()).containsExactly(List.of("a:1", "b:1"), List.of("c:1"));
        }
    }

    @Test
    void aKeyNeverComesTwiceInOneChunk() throws Exception {
        try (var h = harness(10)) {
            h.processElement("a:1", 1);
            h.processElement("b:1", 1);
            h.processElement("a:2", 2);
            h.processElement("c:1", 1);
            h.processElement("a:3", 3);
            h.setProcessingTime(101);
            assertThat(h.extractOutputValues()).containsExactly(
                    List.of("a:1", "b:1"), List.of("a:2", "c:1"), List.of("a:3"));
        }
    }

    @Test
    void nothingIsHeldAcrossACheckpointBarrierOrTheEndOfInput() throws Exception {
        try (var h = harness(10)) {
            h.processElement("a:1", 1);
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).containsExactly(List.of("a:1"));
            h.processElement("b:1", 1);
            h.endInput();
            assertThat(h.extractOutputValues()).containsExactly(List.of("a:1"), List.of("b:1"));
            // The timers set for those chunks find nothing left to send.
            h.setProcessingTime(101);
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void aChunkHoldsAtLeastOneRow() {
        assertThrows(IllegalArgumentException.class, () -> new RowChunker<String, String>(row -> row, 0));
    }
}
