package io.customerpulse.flink;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.purchase;
import static io.customerpulse.testing.Events.share;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;

import org.junit.jupiter.api.Test;

import java.util.List;

class HeldEventListTest {

    private static List<String> ids(List<PulseEvent> events) {
        return events.stream().map(e -> e.eventId + "@" + e.eventTime).toList();
    }

    @Test
    void releasesWhatTheTimeHasPassedInEventTimeThenIdOrderAndKeepsTheRest() {
        HeldEventList<PulseEvent> held = new HeldEventList<>();
        held.add(click("c", "u", 30));
        held.add(click("b", "u", 10));
        held.add(purchase("z", "u", 50, 100));
        held.add(click("a", "u", 10));
        held.add(click("d", "u", 20));
        assertThat(held.earliestTime()).isEqualTo(10);

        assertThat(ids(held.releaseUpTo(30))).containsExactly("a@10", "b@10", "d@20", "c@30");
        assertThat(held.size()).isEqualTo(1);
        assertThat(held.earliestTime()).isEqualTo(50);
        assertThat(ids(held.releaseUpTo(49))).isEmpty();
        assertThat(ids(held.releaseUpTo(Long.MAX_VALUE))).containsExactly("z@50");
        assertThat(held.isEmpty()).isTrue();
        assertThat(held.earliestTime()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void eventsOfOneIdAtOneInstantAreOrderedByType() {
        HeldEventList<PulseEvent> held = new HeldEventList<>();
        held.add(share("x", "u", 10, "s-1"));
        held.add(click("x", "u", 10));
        // EventType order: click, purchase, share
        assertThat(held.releaseUpTo(10)).extracting(e -> e.type.name()).containsExactly("CLICK", "SHARE");
    }

    @Test
    void aCopyIsTheSameIdAtTheSameInstant() {
        HeldEventList<PulseEvent> held = new HeldEventList<>();
        held.add(click("a", "u", 10));
        assertThat(held.holdsCopyOf(click("a", "u", 10))).isTrue();
        assertThat(held.holdsCopyOf(purchase("a", "u", 10, 5))).isTrue(); // the id decides, not the content
        assertThat(held.holdsCopyOf(click("a", "u", 11))).isFalse();
        assertThat(held.holdsCopyOf(click("b", "u", 10))).isFalse();
    }

    @Test
    void aCopyOfTheListIsIndependentOfIt() {
        HeldEventList<PulseEvent> held = new HeldEventList<>();
        held.add(click("a", "u", 10));
        HeldEventList<PulseEvent> copy = held.copy();
        held.add(click("b", "u", 20));
        assertThat(copy.size()).isEqualTo(1);
        assertThat(copy).isNotEqualTo(held);
        held.releaseUpTo(20);
        assertThat(copy.size()).isEqualTo(1);
    }
}
