package io.customerpulse.reach;

import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.MINUTE;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.HeapReleasingOperator;
import io.customerpulse.flink.JobControl;
import io.customerpulse.testing.Events;
import io.customerpulse.testing.Harnesses;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * The referral timeline under the job's operator, which releases the events waiting on the heap at
 * each watermark; {@link ReferralFunctionUnderFlinksOperatorTest} runs the same under Flink's own
 * (a timer at each user's earliest event on the heap: BATCH mode, a backfill), and
 * {@link ReferralFunctionHeldInStateTest} with no room on the heap.
 */
class ReferralFunctionTest {
    private KeyedBroadcastOperatorTestHarness<String, ReferralEvent, JobControl, SharerUpdate> h;

    @BeforeEach
    void setUp() throws Exception {
        h = newHarness(null);
    }

    /** Events each instance holds on its heap. */
    int maxWaitingOnHeap() {
        return ReachSettings.defaults().maxWaitingOnHeap();
    }

    /** The operator the harness runs the function in: the job's. */
    CoBroadcastWithKeyedOperator<String, ReferralEvent, JobControl, SharerUpdate> operatorOf(ReferralFunction function) {
        return new HeapReleasingOperator<>(function);
    }

    /** Whether an event waiting on the heap gets a timer at its user's earliest (not under the job's operator). */
    boolean heapEventsHaveTimers() {
        return false;
    }

    private KeyedBroadcastOperatorTestHarness<String, ReferralEvent, JobControl, SharerUpdate> newHarness(
            OperatorSubtaskState restoreFrom) throws Exception {
        var function = new ReferralFunction(ReachSettings.defaults().withMaxWaitingOnHeap(maxWaitingOnHeap()));
        return Harnesses.keyed(operatorOf(function), (ReferralEvent r) -> r.event.userId, restoreFrom, 1, 1, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private void send(ReferralEvent r) throws Exception {
        h.processElement(r, r.event.eventTime);
    }

    /** Sends {@code e} as carrying share s1, whose share event the resolver has not seen yet. */
    private PulseEvent sendPending(PulseEvent e) throws Exception {
        e.shareId = "s1";
        send(ReferralEvent.of(e, ShareStatus.PENDING));
        return e;
    }

    /** Sends the resolver's late verdict on {@code pending}: a touch of {@code owner}'s share. */
    private void sendTouchVerdict(PulseEvent pending, String owner) throws Exception {
        ReferralEvent verdict = touch(copy(pending), owner);
        verdict.verdict = true;
        send(verdict);
    }

    private static ReferralEvent direct(PulseEvent e) {
        return ReferralEvent.of(e, ShareStatus.NONE);
    }

    private static ReferralEvent touch(PulseEvent e, String owner) {
        ReferralEvent r = ReferralEvent.of(e, ShareStatus.TOUCH);
        r.shareOwner = owner;
        r.shareChannel = "qr";
        e.shareId = "s-" + owner;
        return r;
    }

    private List<String> acquisitions() {
        var q = h.getSideOutput(ReferralFunction.ACQUISITIONS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).map(a -> a.user + " by " + a.acquirer).toList();
    }

    private List<String> updates() {
        return h.extractOutputValues().stream().map(u -> u.kind + " " + u.sharer + (u.value > 1 ? " " + u.value : "")).toList();
    }

    @Test
    void aUsersEarlierEventArrivingAfterALaterOneStillDecidesTheAcquisition() throws Exception {
        send(direct(Events.click("c2", "bob", at(0, 12))));             // later event, organic, arrives first
        send(touch(Events.click("c1", "bob", at(0, 10)), "alice"));      // the real first event, through alice's share
        h.processWatermark(at(1, 0));
        assertThat(acquisitions()).containsExactly("bob by alice");
        assertThat(updates()).containsExactly("REACH alice");
    }

    @Test
    void aPendingShareHoldsTheTimelineUntilItsVerdict() throws Exception {
        PulseEvent first = sendPending(Events.click("c1", "bob", at(0, 10)));
        send(direct(Events.purchase("p1", "bob", at(0, 11), 5000)));
        h.processWatermark(at(0, 12));
        assertThat(acquisitions()).isEmpty(); // the first event waits for its share
        assertThat(updates()).isEmpty();      // and so does the purchase after it

        sendTouchVerdict(first, "alice");
        assertThat(acquisitions()).containsExactly("bob by alice");
        assertThat(updates()).containsExactly("REACH alice", "ATTRIBUTED_PURCHASE alice 5000", "ACQUIRED_REVENUE alice 5000");
    }

    @Test
    void anUnknownShareVerdictMakesTheUserOrganic() throws Exception {
        PulseEvent first = sendPending(Events.click("c1", "bob", at(0, 10)));
        send(direct(Events.click("c2", "bob", at(0, 11))));
        h.processWatermark(at(1, 10));
        ReferralEvent verdict = ReferralEvent.of(copy(first), ShareStatus.UNKNOWN_SHARE);
        verdict.verdict = true;
        send(verdict);
        h.processWatermark(day(20));
        assertThat(acquisitions()).isEmpty();
        assertThat(updates()).isEmpty();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void duplicatesAndLateEventsDoNotCount() throws Exception {
        send(touch(Events.click("c1", "bob", at(0, 10)), "alice"));
        send(direct(Events.purchase("p1", "bob", at(0, 11), 100)));
        send(direct(Events.purchase("p1", "bob", at(0, 11), 100)));
        h.processWatermark(at(1, 0));
        send(direct(Events.purchase("p0", "bob", at(0, 9), 100)));
        h.processWatermark(at(2, 0));
        assertThat(updates()).containsExactly("REACH alice", "ATTRIBUTED_PURCHASE alice 100", "ACQUIRED_REVENUE alice 100");
        assertThat(h.getSideOutput(ReferralFunction.LATE_EVENTS)).hasSize(1);
    }

    @Test
    void anEventArrivingBeforeAnEarlierCopyOfItsIdIsTheDuplicate() throws Exception {
        send(touch(Events.click("c1", "bob", at(0, 10)), "alice"));
        send(direct(Events.purchase("p1", "bob", at(8, 10), 100))); // the later copy arrives first: past the attribution window
        send(direct(Events.purchase("p1", "bob", at(6, 10), 100))); // the earlier one, within it
        h.processWatermark(day(30));

        assertThat(updates()).containsExactly("REACH alice", "ATTRIBUTED_PURCHASE alice 100", "ACQUIRED_REVENUE alice 100");
        assertThat(h.extractOutputValues().get(1).at).isEqualTo(at(6, 10));
        assertThat(Harnesses.longAccumulator(h, EventAdmission.duplicatesAccumulator("referral"))).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
        // Left behind: exactly what the same events without the duplicate leave.
        var control = newHarness(null);
        for (ReferralEvent r : List.of(touch(Events.click("c1", "bob", at(0, 10)), "alice"),
                direct(Events.purchase("p1", "bob", at(6, 10), 100)))) {
            control.processElement(r, r.event.eventTime);
        }
        control.processWatermark(day(30));
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(Harnesses.numKeyedStateEntries(control));
        control.close();
    }

    @Test
    void eventsWaitingForTheWatermarkCostAtMostOneTimerAndTheUsersValue() throws Exception {
        send(touch(Events.click("c1", "bob", at(0, 1)), "alice"));
        for (int hour = 2; hour <= 5; hour++) {
            send(direct(Events.purchase("p" + hour, "bob", at(0, hour), hour)));
        }
        boolean onHeap = maxWaitingOnHeap() > 0;
        // On the heap: nothing of bob's in keyed state, and a timer only without the job's operator.
        assertThat(h.numEventTimeTimers()).isEqualTo(onHeap && !heapEventsHaveTimers() ? 0 : 1);
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(onHeap ? 0 : 1);

        h.processWatermark(at(0, 6));
        assertThat(updates()).containsExactly("REACH alice",
                "ATTRIBUTED_PURCHASE alice 2", "ACQUIRED_REVENUE alice 2",
                "ATTRIBUTED_PURCHASE alice 3", "ACQUIRED_REVENUE alice 3",
                "ATTRIBUTED_PURCHASE alice 4", "ACQUIRED_REVENUE alice 4",
                "ATTRIBUTED_PURCHASE alice 5", "ACQUIRED_REVENUE alice 5");
        assertThat(h.numEventTimeTimers()).isEqualTo(1); // forgets the counted ids if bob sends nothing more
        h.processWatermark(day(8));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(2); // the value, and that alice touched bob
    }

    @Test
    void moreWaitingEventsThanTheValueCarriesAreSpilledAndStillAppliedInOrder() throws Exception {
        int purchases = 2 * ReferralFunction.HELD_IN_VALUE + 8; // beyond the heap's share of a user and the value's
        send(touch(Events.click("c1", "bob", at(0, 1)), "alice"));
        for (int i = purchases; i >= 1; i--) {
            send(direct(Events.purchase("p" + i, "bob", at(0, 2) + i * MINUTE, 100 + i)));
        }
        send(direct(Events.purchase("p10", "bob", at(0, 2) + 10 * MINUTE, 110))); // a copy while spilled
        h.processWatermark(at(1, 0));

        List<String> expected = new ArrayList<>(List.of("REACH alice"));
        for (int i = 1; i <= purchases; i++) {
            expected.addAll(List.of("ATTRIBUTED_PURCHASE alice " + (100 + i), "ACQUIRED_REVENUE alice " + (100 + i)));
        }
        assertThat(updates()).containsExactlyElementsOf(expected);
        assertThat(Harnesses.longAccumulator(h, EventAdmission.duplicatesAccumulator("referral"))).isEqualTo(1);
        h.processWatermark(day(9));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(2); // nothing left spilled
    }

    @Test
    void moreCountedIdsThanTheValueCarriesStillFindALaterCopy() throws Exception {
        int purchases = ReferralFunction.IDS_IN_VALUE + 6;
        send(touch(Events.click("c1", "bob", at(0, 1)), "alice"));
        for (int i = 1; i <= purchases; i++) {
            send(direct(Events.purchase("p" + i, "bob", at(0, 2) + i * MINUTE, 100)));
            if (i % 20 == 0) {
                h.processWatermark(at(0, 2) + i * MINUTE); // applied in steps: the ids outgrow the value
            }
        }
        h.processWatermark(at(1, 0));
        send(direct(Events.purchase("p1", "bob", at(2, 0), 100))); // a copy of the first, within the horizon
        h.processWatermark(at(3, 0));

        assertThat(updates()).hasSize(1 + 2 * purchases);
        assertThat(Harnesses.longAccumulator(h, EventAdmission.duplicatesAccumulator("referral"))).isEqualTo(1);
        h.processWatermark(day(30));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(2); // the spilled ids forgotten
    }

    @Test
    void aVerdictReleasesWhatTheWatermarkPassedAndTheRestWaitsForIt() throws Exception {
        PulseEvent first = sendPending(Events.click("c1", "bob", at(0, 10)));
        send(direct(Events.purchase("p1", "bob", at(0, 11), 300)));
        send(direct(Events.purchase("p2", "bob", at(0, 15), 500)));
        h.processWatermark(at(0, 12));
        assertThat(updates()).isEmpty();

        sendTouchVerdict(first, "alice");
        assertThat(updates()).containsExactly("REACH alice", "ATTRIBUTED_PURCHASE alice 300", "ACQUIRED_REVENUE alice 300");
        h.processWatermark(at(0, 16));
        assertThat(updates()).containsExactly("REACH alice", "ATTRIBUTED_PURCHASE alice 300", "ACQUIRED_REVENUE alice 300",
                "ATTRIBUTED_PURCHASE alice 500", "ACQUIRED_REVENUE alice 500");
    }

    @Test
    void eventsSpilledWhileAShareIsPendingWaitForItsVerdict() throws Exception {
        int purchases = 2 * ReferralFunction.HELD_IN_VALUE + 8; // beyond the heap's share of a user and the value's
        PulseEvent first = sendPending(Events.click("c1", "bob", at(0, 1)));
        h.processWatermark(at(0, 1)); // the timeline waits at 01:00
        for (int i = 1; i <= purchases; i++) {
            send(direct(Events.purchase("p" + i, "bob", at(0, 2) + i * MINUTE, 7)));
        }
        h.processWatermark(at(1, 0));
        assertThat(updates()).isEmpty();

        sendTouchVerdict(first, "alice");
        assertThat(updates()).hasSize(1 + 2 * purchases).first().isEqualTo("REACH alice");
        assertThat(h.extractOutputValues()).extracting(u -> u.at).isSorted();
        h.processWatermark(day(9));
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(h)).isEqualTo(2);
    }

    @Test
    void aVerdictArrivingBeforeTheWatermarkPassesItsEventTakesItsPlace() throws Exception {
        PulseEvent first = sendPending(Events.click("c1", "bob", at(0, 10)));
        send(direct(Events.purchase("p1", "bob", at(0, 11), 300)));
        sendTouchVerdict(first, "alice");
        h.processWatermark(at(0, 12));
        assertThat(acquisitions()).containsExactly("bob by alice");
        assertThat(updates()).containsExactly("REACH alice", "ATTRIBUTED_PURCHASE alice 300", "ACQUIRED_REVENUE alice 300");
    }

    @Test
    void eventsWaitingAtACheckpointAreAppliedOnceAfterTheRestore() throws Exception {
        send(touch(Events.click("c1", "bob", at(0, 1)), "alice"));
        send(direct(Events.purchase("p1", "bob", at(0, 2), 300)));
        send(direct(Events.purchase("p2", "carol", at(0, 3), 500)));
        OperatorSubtaskState checkpoint = h.snapshot(1L, 1L);
        h.close();

        h = newHarness(checkpoint);
        send(direct(Events.purchase("p1", "bob", at(0, 2), 300))); // Kafka replays what came after the checkpoint
        send(direct(Events.purchase("p3", "bob", at(0, 4), 700)));
        h.processWatermark(at(1, 0));
        assertThat(acquisitions()).containsExactly("bob by alice");
        assertThat(updates()).containsExactly("REACH alice", "ATTRIBUTED_PURCHASE alice 300", "ACQUIRED_REVENUE alice 300",
                "ATTRIBUTED_PURCHASE alice 700", "ACQUIRED_REVENUE alice 700");
    }

    private static PulseEvent copy(PulseEvent e) {
        PulseEvent c = Events.click(e.eventId, e.userId, e.eventTime);
        c.shareId = e.shareId;
        return c;
    }
}
