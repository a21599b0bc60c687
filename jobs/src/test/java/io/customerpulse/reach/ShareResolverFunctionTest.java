package io.customerpulse.reach;

import static io.customerpulse.testing.Times.HOUR;
import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.JobControl;
import io.customerpulse.testing.Events;
import io.customerpulse.testing.Harnesses;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

class ShareResolverFunctionTest {
    private KeyedBroadcastOperatorTestHarness<String, PulseEvent, JobControl, ReferralEvent> h;

    @BeforeEach
    void setUp() throws Exception {
        h = Harnesses.keyed(new ShareResolverFunction(ReachSettings.defaults()), e -> e.shareId);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private void send(PulseEvent e) throws Exception {
        h.processElement(e, e.eventTime);
    }

    private static PulseEvent click(String id, String user, long t, String share) {
        PulseEvent e = Events.click(id, user, t);
        e.shareId = share;
        return e;
    }

    private List<String> out() {
        return h.extractOutputValues().stream()
                .map(r -> r.event.eventId + ":" + r.status + (r.verdict ? "(verdict)" : "")
                        + (r.shareOwner == null ? "" : " of " + r.shareOwner))
                .toList();
    }

    private List<String> deadLetters() {
        var q = h.getSideOutput(ShareResolverFunction.REFUSED);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).map(d -> d.reason).toList();
    }

    private List<String> daily() {
        var q = h.getSideOutput(ShareResolverFunction.DAILY);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue)
                .map(d -> (d.shares > 0 ? "share" : "touch") + "@" + java.time.LocalDate.ofEpochDay(d.day) + "/" + d.channel)
                .toList();
    }

    @Test
    void aTouchArrivingBeforeItsEarlierShareEventIsResolvedDirectly() throws Exception {
        send(click("c1", "bob", at(0, 12), "s1"));      // arrives first ...
        send(Events.share("sh1", "alice", at(0, 10), "s1")); // ... but the share happened before it
        h.processWatermark(at(1, 0));
        assertThat(out()).containsExactly("sh1:OWN_SHARE of alice", "c1:TOUCH of alice");
        assertThat(daily()).containsExactly("share@2025-01-01/app", "touch@2025-01-01/app");
    }

    @Test
    void aTouchWhoseShareEventComesLaterWaitsAndGetsAVerdict() throws Exception {
        send(click("c1", "bob", at(0, 12), "s1"));
        h.processWatermark(at(0, 13));
        assertThat(out()).containsExactly("c1:PENDING");
        send(Events.share("sh1", "alice", at(0, 20), "s1")); // within the one-day wait
        h.processWatermark(at(0, 21));
        assertThat(out()).containsExactly("c1:PENDING", "sh1:OWN_SHARE of alice", "c1:TOUCH(verdict) of alice");
        h.processWatermark(day(3));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void anUnknownShareExpiresAfterTheWaitIntoADeadLetter() throws Exception {
        send(click("c1", "bob", at(0, 12), "nobody-shared-this"));
        h.processWatermark(at(1, 12) - 1);
        assertThat(out()).containsExactly("c1:PENDING");
        h.processWatermark(at(1, 12));
        assertThat(out()).containsExactly("c1:PENDING", "c1:UNKNOWN_SHARE(verdict)");
        assertThat(deadLetters()).containsExactly("unknown_share");
        // A share event after the wait changes nothing for the expired event.
        send(Events.share("sh1", "alice", at(1, 13), "nobody-shared-this"));
        h.processWatermark(at(2, 0));
        assertThat(out()).hasSize(3);
    }

    @Test
    void theFirstShareEventFixesTheOwnerAndLaterClaimsConflict() throws Exception {
        send(Events.share("sh2", "carol", at(0, 11), "s1"));
        send(Events.share("sh1", "alice", at(0, 10), "s1"));
        send(Events.share("sh3", "alice", at(0, 12), "s1")); // the owner sharing again is fine
        send(click("c1", "alice", at(0, 13), "s1"));         // the owner's own click: a self-touch
        h.processWatermark(at(1, 0));
        // carol's claim is refused as a share but still goes to her timeline, as something she did.
        assertThat(out()).containsExactly("sh1:OWN_SHARE of alice", "sh2:CONFLICTING_SHARE",
                "sh3:OWN_SHARE of alice", "c1:SELF_TOUCH of alice");
        assertThat(deadLetters()).containsExactly("share_owner_conflict");
        assertThat(daily()).containsExactly("share@2025-01-01/app", "share@2025-01-01/app");
    }

    @Test
    void duplicatesAreDroppedAndNothingLeaks() throws Exception {
        send(Events.share("sh1", "alice", at(0, 10), "s1"));
        send(click("c1", "bob", at(0, 12), "s1"));
        send(click("c1", "bob", at(0, 12), "s1"));
        h.processWatermark(at(0, 12));
        send(click("c1", "bob", at(0, 12) + HOUR, "s1")); // same id, even at another time: a duplicate
        h.processWatermark(day(30));
        assertThat(out()).containsExactly("sh1:OWN_SHARE of alice", "c1:TOUCH of alice");
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(1); // only the share's owner
    }

    @Test
    void aClickArrivingBeforeAnEarlierCopyOfItsIdIsTheDuplicate() throws Exception {
        send(Events.share("sh1", "alice", at(0, 10), "s1"));
        send(click("c1", "bob", at(2, 12), "s1")); // the later copy arrives first ...
        send(click("c1", "bob", at(0, 12), "s1")); // ... the earlier one while both are ahead of the watermark
        h.processWatermark(day(30));

        assertThat(h.extractOutputValues()).extracting(r -> r.event.eventId + ":" + r.status + "@" + r.event.eventTime)
                .containsExactly("sh1:OWN_SHARE@" + at(0, 10), "c1:TOUCH@" + at(0, 12));
        assertThat(Harnesses.longAccumulator(h, EventAdmission.duplicatesAccumulator("share"))).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(1); // only the share's owner
    }

    @Test
    void aShareEventArrivingBeforeAnEarlierCopyOfItsIdIsTheDuplicate() throws Exception {
        send(Events.share("sh1", "alice", at(2, 10), "s1")); // the later copy arrives first
        send(click("c1", "bob", at(1, 12), "s1"));           // a touch between the two copies
        send(Events.share("sh1", "alice", at(0, 10), "s1")); // the earlier copy creates the share
        h.processWatermark(day(30));

        assertThat(out()).containsExactly("sh1:OWN_SHARE of alice", "c1:TOUCH of alice"); // no wait for the share
        assertThat(h.extractOutputValues().get(0).event.eventTime).isEqualTo(at(0, 10));
        assertThat(daily()).containsExactly("share@2025-01-01/app", "touch@2025-01-01/app");
        assertThat(Harnesses.longAccumulator(h, EventAdmission.duplicatesAccumulator("share"))).isEqualTo(1);
        assertThat(deadLetters()).isEmpty();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(1);
    }

    @Test
    void heldEventsWaitInTheSharesValueWithATimerPerInstant() throws Exception {
        send(Events.share("sh1", "alice", at(0, 10), "s1"));
        send(click("c1", "bob", at(0, 11), "s1"));
        send(click("c2", "carol", at(0, 11), "s1"));
        send(click("c3", "dave", at(0, 12), "s1"));
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(1); // the share's value, nothing else
        assertThat(h.numEventTimeTimers()).isEqualTo(3);            // 10:00, 11:00, 12:00

        h.processWatermark(at(1, 0));
        assertThat(out()).containsExactly("sh1:OWN_SHARE of alice", "c1:TOUCH of alice", "c2:TOUCH of alice",
                "c3:TOUCH of alice");
        h.processWatermark(day(30));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(1);
    }

    @Test
    void aViralShareHasItsHeldEventsSpilledAndStillResolvesThemInOrder() throws Exception {
        int touches = ShareResolverFunction.HELD_IN_VALUE + 8;
        for (int i = touches; i >= 1; i--) { // latest first
            send(click("c" + i, "user" + i, at(0, 11) + i * 60_000L, "s1"));
        }
        send(Events.share("sh1", "alice", at(0, 10), "s1"));
        send(click("c7", "user7", at(0, 11) + 7 * 60_000L, "s1")); // a copy while spilled
        h.processWatermark(at(1, 0));

        List<String> expected = new java.util.ArrayList<>(List.of("sh1:OWN_SHARE of alice"));
        for (int i = 1; i <= touches; i++) {
            expected.add("c" + i + ":TOUCH of alice");
        }
        assertThat(out()).containsExactlyElementsOf(expected);
        assertThat(Harnesses.longAccumulator(h, EventAdmission.duplicatesAccumulator("share"))).isEqualTo(1);
        h.processWatermark(day(30));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(1); // nothing left spilled
    }

    @Test
    void moreCountedIdsThanTheValueCarriesStillFindALaterCopy() throws Exception {
        int touches = ShareResolverFunction.IDS_IN_VALUE + 6;
        send(Events.share("sh1", "alice", at(0, 10), "s1"));
        for (int i = 1; i <= touches; i++) {
            send(click("c" + i, "user" + i, at(0, 11) + i * 60_000L, "s1"));
            if (i % 20 == 0) {
                h.processWatermark(at(0, 11) + i * 60_000L); // applied in steps: the ids outgrow the value
            }
        }
        h.processWatermark(at(1, 0));
        send(click("c1", "user1", at(2, 0), "s1")); // a copy of the first touch, within the horizon
        h.processWatermark(at(3, 0));

        assertThat(out()).hasSize(1 + touches);
        assertThat(Harnesses.longAccumulator(h, EventAdmission.duplicatesAccumulator("share"))).isEqualTo(1);
        h.processWatermark(day(30));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(1); // the spilled ids forgotten
    }
}
