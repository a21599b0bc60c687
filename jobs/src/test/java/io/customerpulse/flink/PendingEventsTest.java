package io.customerpulse.flink;

import static io.customerpulse.testing.Events.click;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongUnaryOperator;

class PendingEventsTest {

    private static List<String> ids(List<PulseEvent> events) {
        return events.stream().map(e -> e.eventId + "@" + e.eventTime).toList();
    }

    /**
     * The keys {@link PendingEvents#releaseDue} hands over at {@code watermark}, as key@earliest,
     * each released up to {@code upTo} of its earliest.
     */
    private static List<String> releaseDue(PendingEvents<PulseEvent> pending, long watermark, LongUnaryOperator upTo) throws Exception {
        List<String> handed = new ArrayList<>();
        pending.releaseDue(watermark, (key, earliest) -> {
            handed.add(key + "@" + earliest);
            pending.releaseUpTo(key, upTo.applyAsLong(earliest));
        });
        return handed;
    }

    @Test
    void holdSaysWhenAnEventBecomesItsKeysEarliest() {
        PendingEvents<PulseEvent> pending = new PendingEvents<>();
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
        PendingEvents<PulseEvent> pending = new PendingEvents<>();
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
    void atAWatermarkTheKeysWhoseEarliestEventItPassedAreHandedOverEarliestFirst() throws Exception {
        PendingEvents<PulseEvent> pending = new PendingEvents<>();
        pending.hold("u", click("u1", "u", 30));
        pending.trackDueOrder(); // what was held before counts too
        pending.hold("v", click("v1", "v", 20));
        pending.hold("w", click("w1", "w", 50));
        pending.hold("u", click("u0", "u", 10));
        pending.hold("v", click("v2", "v", 40));

        // u comes up once for its entries at 10 and 30; v keeps its event at 40, w waits.
        assertThat(releaseDue(pending, 35, earliest -> 35)).containsExactly("u@10", "v@20");
        assertThat(pending.size()).isEqualTo(2);

        // v's event left at 40 is due at the next watermark, though no hold made it v's earliest.
        assertThat(releaseDue(pending, 45, earliest -> 45)).containsExactly("v@40");
        assertThat(ids(pending.of("w").releaseUpTo(Long.MAX_VALUE))).containsExactly("w1@50");
    }

    @Test
    void aKeyReleasedOnlyInPartComesUpAgainAtTheSameWatermark() throws Exception {
        PendingEvents<PulseEvent> pending = new PendingEvents<>();
        pending.trackDueOrder();
        pending.hold("u", click("a", "u", 10));
        pending.hold("u", click("b", "u", 20));
        pending.hold("u", click("c", "u", 60));

        // An instant at a time, as a spilled user's are.
        assertThat(releaseDue(pending, 50, earliest -> earliest)).containsExactly("u@10", "u@20");
        assertThat(pending.earliestTime("u")).isEqualTo(60);
    }

    @Test
    void aKeyWhoseEventsWereReleasedElsewhereIsNotHandedOver() throws Exception {
        PendingEvents<PulseEvent> pending = new PendingEvents<>();
        pending.trackDueOrder();
        pending.hold("u", click("a", "u", 10));
        pending.releaseUpTo("u", 10); // by a status timer, say, before the watermark's turn

        List<String> handed = new ArrayList<>();
        assertThat(pending.releaseDue(100, (key, earliest) -> handed.add(key))).isFalse();
        assertThat(handed).isEmpty();
    }

    @Test
    void aKeyThatHoldsAgainAfterAllItsEventsWereReleasedComesUpAtItsNewEarliestOnly() throws Exception {
        PendingEvents<PulseEvent> pending = new PendingEvents<>();
        pending.trackDueOrder();
        pending.hold("u", click("a", "u", 10));
        pending.releaseUpTo("u", 10); // all of u's events, elsewhere: its entry at 10 is stale
        pending.hold("u", click("b", "u", 30));

        assertThat(releaseDue(pending, 20, earliest -> earliest)).isEmpty();
        assertThat(releaseDue(pending, 40, earliest -> earliest)).containsExactly("u@30");
        assertThat(pending.size()).isZero();
    }

    @Test
    void aRestoreKeepsTheEventsOfTheKeysThisInstanceOwnsAndReplacesWhatWasHeld() {
        PendingEvents<PulseEvent> before = new PendingEvents<>();
        before.hold("u", click("a", "u", 10));
        before.hold("u", click("b", "u", 20));
        before.hold("v", click("x", "v", 5));
        before.hold("w", click("y", "w", 7));
        List<PulseEvent> checkpointed = before.all();
        assertThat(ids(checkpointed)).containsExactlyInAnyOrder("a@10", "b@20", "x@5", "y@7");

        PendingEvents<PulseEvent> after = new PendingEvents<>();
        after.hold("z", click("stale", "z", 1));
        after.restore(checkpointed, e -> e.userId, Set.of("u", "w")::contains);
        assertThat(after.size()).isEqualTo(3);
        assertThat(after.of("z")).isNull();
        assertThat(after.of("v")).isNull();
        assertThat(ids(after.releaseUpTo("u", 100))).containsExactly("a@10", "b@20");
        assertThat(after.earliestTime("w")).isEqualTo(7);
    }
}
