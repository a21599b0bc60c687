package io.customerpulse.retention;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Times.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.testing.Harnesses;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/**
 * The job's operator for the user timeline against state written by Flink's own operator, which
 * ran the function until 2026-12-03 (UserRetentionFunctionTest covers the function under both).
 */
class UserRetentionOperatorTest {

    @Test
    void aCheckpointOfFlinksOwnOperatorWithEventsWaitingRestoresWithEveryEventAppliedOnce() throws Exception {
        // Flink's own operator: a timer at each user's earliest event waiting on the heap.
        var before = Harnesses.keyed(new UserRetentionFunction(RetentionSettings.defaults()), (PulseEvent e) -> e.userId);
        for (int k = 0; k < 5; k++) {
            for (int i = 0; i <= k; i++) {
                PulseEvent e = click("e" + k + "-" + i, "user" + k, at(0, 10) + i * 60_000L);
                before.processElement(e, e.eventTime);
            }
        }
        assertThat(before.numEventTimeTimers()).isEqualTo(5);
        OperatorSubtaskState checkpoint = before.snapshot(1L, 1L);
        before.close();

        UserRetentionFunction function = new UserRetentionFunction(RetentionSettings.defaults());
        var after = Harnesses.keyed(new UserRetentionOperator(function), (PulseEvent e) -> e.userId, checkpoint, 1, 1, 0);
        assertThat(function.heldOnHeap()).isEqualTo(15);
        after.processWatermark(at(1, 0));

        // One row per user (the old timers, restored, fire and apply them; the operator's release
        // finds nothing left), with all of the user's clicks: none lost, none applied twice.
        Map<String, Long> clicksByUser = new HashMap<>();
        for (UserRetentionRow row : after.extractOutputValues()) {
            assertThat(clicksByUser.put(row.userId, row.clicks)).as("one row for %s", row.userId).isNull();
        }
        assertThat(clicksByUser).containsOnly(Map.entry("user0", 1L), Map.entry("user1", 2L), Map.entry("user2", 3L),
                Map.entry("user3", 4L), Map.entry("user4", 5L));
        assertThat(function.heldOnHeap()).isZero();
        // Left: each user's status timer (new -> active), nothing of the waiting events.
        assertThat(after.numEventTimeTimers()).isEqualTo(5);

        // Events arriving now wait without a timer and are released at the next watermark.
        PulseEvent next = click("n", "user0", at(1, 10));
        after.processElement(next, next.eventTime);
        assertThat(after.numEventTimeTimers()).isEqualTo(5);
        after.processWatermark(at(1, 10));
        assertThat(after.extractOutputValues()).last().satisfies(r -> {
            assertThat(r.userId).isEqualTo("user0");
            assertThat(r.clicks).isEqualTo(2);
        });
        after.close();
    }
}
