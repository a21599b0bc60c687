package io.customerpulse.flink;

import static io.customerpulse.testing.Events.click;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

class PendingEventsTest {

    private static List<String> ids(List<PulseEvent> events) {
        return events.stream().map(e -> e.eventId + "@" + e.eventTime).toList();
    }

    @Test
    void holdSaysWhenAnEventBecomesItsKeysEarliest() {
        PendingEvents pending = new PendingEvents();
        assertThat(pending.hold("u", click("b", "u", 20))).isTrue();
        assertThat(pending.hold("u", click("c", "u", 30))).isFalse();
        assertThat(pending.hold("u", click("a", "u", 10))).isTrue();
        assertThat(pending.hold("v", click("x", "v", 50))).isTrue(); // another key's own
        assertThat(pending.hold("u", click("a2", "u", 10))).isFalse(); // a timer is armed there already
        assertThat(pending.earliestTime("u")).isEqualTo(10);
        assertThat(pending.earliestTime("w")).isEqualTo(Long.MAX_VALUE);
        assertThat(pending.size()).isEqualTo(5);
    }

    @Test
    void releasesAKeysPassedEventsInApplyOrderAndForgetsAKeyWithNoneLeft() {
        PendingEvents pending = new PendingEvents();
        pending.hold("u", click("c", "u", 30));
        pending.hold("u", click("b", "u", 10));
        pending.hold("u", click("a", "u", 10));
        pending.hold("v", click("x", "v", 5));

        assertThat(ids(pending.releaseUpTo("u", 20))).containsExactly("a@10", "b@10");
        assertThat(pending.size()).isEqualTo(2);
        assertThat(pending.earliestTime("u")).isEqualTo(30);
        assertThat(ids(pending.releaseUpTo("u", 29))).isEmpty();
        assertThat(ids(pending.releaseUpTo("u", 30))).containsExactly("c@30");
        assertThat(pending.of("u")).isNull();
        assertThat(ids(pending.releaseUpTo("u", 100))).isEmpty();
        // The other key's event was never released with them.
        assertThat(pending.size()).isEqualTo(1);
        assertThat(ids(pending.of("v").releaseUpTo(Long.MAX_VALUE))).containsExactly("x@5");
    }

    @Test
    void aRestoreKeepsTheEventsOfTheKeysThisInstanceOwnsAndReplacesWhatWasHeld() {
        PendingEvents before = new PendingEvents();
        before.hold("u", click("a", "u", 10));
        before.hold("u", click("b", "u", 20));
        before.hold("v", click("x", "v", 5));
        before.hold("w", click("y", "w", 7));
        List<PulseEvent> checkpointed = before.all();
        assertThat(ids(checkpointed)).containsExactlyInAnyOrder("a@10", "b@20", "x@5", "y@7");

        PendingEvents after = new PendingEvents();
        after.hold("z", click("stale", "z", 1));
        after.restore(checkpointed, e -> e.userId, Set.of("u", "w")::contains);
        assertThat(after.size()).isEqualTo(3);
        assertThat(after.of("z")).isNull();
        assertThat(after.of("v")).isNull();
        assertThat(ids(after.releaseUpTo("u", 100))).containsExactly("a@10", "b@20");
        assertThat(after.earliestTime("w")).isEqualTo(7);
    }
}
