package io.customerpulse.retention;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.purchase;
import static io.customerpulse.testing.Times.DAY;
import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.JobControl;
import io.customerpulse.testing.Harnesses;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * With arriving events held on the heap, as the job runs; {@link UserRetentionFunctionHeldInStateTest}
 * runs every test again with them held in the user's state, as when the heap is full.
 */
class UserRetentionFunctionTest {
    private KeyedBroadcastOperatorTestHarness<String, PulseEvent, JobControl, UserRetentionRow> harness;
    /** The function of the harness last made. */
    private UserRetentionFunction function;

    /** How many arriving events the function holds on its heap (at most). */
    int maxWaitingOnHeap() {
        return RetentionSettings.defaults().maxWaitingOnHeap;
    }

    private boolean heldOnHeap() {
        return maxWaitingOnHeap() > 0;
    }

    /** The operator the harness runs the function in: the job's. */
    CoBroadcastWithKeyedOperator<String, PulseEvent, JobControl, UserRetentionRow> operatorOf(UserRetentionFunction function) {
        return new UserRetentionOperator(function);
    }

    /**
     * Whether an event waiting on the heap gets a timer at its user's earliest: not under the job's
     * operator, which releases them at each watermark; under Flink's own, and in BATCH mode, it does.
     */
    boolean heapEventsHaveTimers() {
        return false;
    }

    /** Whether the user's waiting events are released by a timer of the user's. */
    private boolean waitingEventsHaveTimers() {
        return !heldOnHeap() || heapEventsHaveTimers();
    }

    private UserRetentionFunction newFunction(int maxWaitingOnHeap) {
        return new TimerCountingFunction(RetentionSettings.builder().maxWaitingOnHeap(maxWaitingOnHeap).build());
    }

    /** The function, counting the times it is called as a timer (the operator's releases included). */
    static final class TimerCountingFunction extends UserRetentionFunction {
        private static final long serialVersionUID = 1L;
        int firings;

        TimerCountingFunction(RetentionSettings settings) {
            super(settings);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, org.apache.flink.util.Collector<UserRetentionRow> out)
                throws Exception {
            firings++;
            super.onTimer(timestamp, ctx, out);
        }
    }

    private int firings() {
        return ((TimerCountingFunction) function).firings;
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness(null);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private KeyedBroadcastOperatorTestHarness<String, PulseEvent, JobControl, UserRetentionRow> newHarness(
            OperatorSubtaskState restoreFrom) throws Exception {
        function = newFunction(maxWaitingOnHeap());
        return Harnesses.keyed(operatorOf(function), e -> e.userId, restoreFrom, 1, 1, 0);
    }

    /** The user's events waiting for the watermark, wherever they are held. */
    private int held(String user) throws Exception {
        UserRetentionState state = stateOf(user);
        return function.heldOnHeap(user) + (state == null ? 0 : state.held.size());
    }

    private void send(PulseEvent e) throws Exception {
        harness.processElement(e, e.eventTime);
    }

    private List<String> transitions() {
        return harness.getSideOutput(UserRetentionFunction.TRANSITIONS).stream()
                .map(StreamRecord::getValue)
                .map(t -> t.userId + ":" + t.fromStatus + "->" + t.toStatus + "@" + java.time.Instant.ofEpochMilli(t.transitionAt))
                .toList();
    }

    private List<UserRetentionRow> rows() {
        return harness.extractOutputValues();
    }

    private UserRetentionRow lastRow() {
        List<UserRetentionRow> rows = rows();
        return rows.get(rows.size() - 1);
    }

    private List<DeadLetter> late() {
        var queue = harness.getSideOutput(UserRetentionFunction.LATE_EVENTS);
        return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void eventsWaitForTheWatermark() throws Exception {
        send(click("e1", "u", at(0, 10)));
        assertThat(rows()).isEmpty();
        harness.processWatermark(at(0, 10) - 1);
        assertThat(rows()).isEmpty();
        harness.processWatermark(at(0, 10));
        assertThat(rows()).hasSize(1);
        assertThat(lastRow().status).isEqualTo("new");
        assertThat(lastRow().asOf).isEqualTo(at(0, 10));
    }

    @Test
    void timersChangeStatusWithNoFurtherEvents() throws Exception {
        send(click("e1", "u", day(0)));
        harness.processWatermark(day(0));
        harness.processWatermark(day(200));

        assertThat(transitions()).containsExactly(
                "u:null->new@2025-01-01T00:00:00Z",
                "u:new->active@2025-01-08T00:00:00Z",
                "u:active->at_risk@2025-01-15T00:00:00Z",
                "u:at_risk->dormant@2025-01-31T00:00:00Z",
                "u:dormant->churned@2025-04-01T00:00:00Z");
        assertThat(rows()).extracting(r -> r.status + "@" + java.time.Instant.ofEpochMilli(r.asOf)).containsExactly(
                "new@2025-01-01T00:00:00Z",
                "active@2025-01-08T00:00:00Z",
                "at_risk@2025-01-15T00:00:00Z",
                "dormant@2025-01-31T00:00:00Z",
                "churned@2025-04-01T00:00:00Z");
        // The churned row's score is the click's weight halved 90/7 times.
        assertThat(lastRow().activityScore).isEqualTo(Math.pow(0.5, 90.0 / 7), org.assertj.core.api.Assertions.within(1e-15));

        // Nothing leaks: no event is held, no timer is left, the counted event id was forgotten.
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(1);
        assertThat(function.heldOnHeap()).isZero();
        assertThat(stateOf("u").countedIds.size()).isZero();
    }

    /** The user's state as the operator keeps it. */
    private UserRetentionState stateOf(String user) throws Exception {
        var operator = (org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) harness.getTwoInputOperator();
        operator.setCurrentKey(user);
        return operator.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE, new org.apache.flink.api.common.state.ValueStateDescriptor<>(
                "user-retention", org.apache.flink.api.common.typeinfo.TypeInformation.of(UserRetentionState.class))).value();
    }

    @Test
    void duplicatesCountOnceWithinTheHorizon() throws Exception {
        send(purchase("p1", "u", at(0, 10), 1000));
        send(purchase("p1", "u", at(0, 10), 1000)); // while the original is still held
        harness.processWatermark(at(1, 0));
        send(purchase("p1", "u", at(0, 10), 1000)); // after it was applied (and behind the watermark)
        send(purchase("p2", "u", at(2, 10), 500));
        harness.processWatermark(at(3, 0));

        assertThat(lastRow().purchases).isEqualTo(2);
        assertThat(lastRow().revenueMinor).isEqualTo(1500);
        assertThat(late()).isEmpty();
        assertThat(stateOf("u").countedIds.toString()).isEqualTo("[p1@1735725600000, p2@1735898400000]");
        // Forgotten as the user's clock passes 7 days after each (the status timers move it).
        harness.processWatermark(at(8, 0));
        assertThat(stateOf("u").countedIds.toString()).isEqualTo("[p2@1735898400000]");
        harness.processWatermark(day(200));
        assertThat(stateOf("u").countedIds.size()).isZero();
    }

    @Test
    void aCopyArrivingBeforeAnEarlierCopyOfItsIdIsTheDuplicate() throws Exception {
        send(click("k", "u", at(3, 10))); // the later copy arrives first ...
        send(click("k", "u", at(0, 10))); // ... the earlier one while both are ahead of the watermark
        harness.processWatermark(at(5, 0));

        assertThat(rows()).extracting(r -> r.clicks + "@" + java.time.Instant.ofEpochMilli(r.lastActiveAt))
                .containsOnly("1@2025-01-01T10:00:00Z");
        assertThat(duplicates()).isEqualTo(1);

        harness.processWatermark(day(200));
        assertThat(lastRow().clicks).isEqualTo(1);
        assertThat(duplicates()).isEqualTo(1);
        // Nothing leaks: the held duplicate's timer fired, the counted id was forgotten.
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(1);
        assertThat(stateOf("u").countedIds.size()).isZero();
    }

    @Test
    void copiesOfAnIdCountInEventTimeOrderWhateverOrderTheyArriveIn() throws Exception {
        // Days 0, 5 and 10: day 5 is within the horizon of the counted day 0, day 10 is not.
        send(click("k", "u", at(5, 10)));
        send(click("k", "u", at(10, 10))); // within the horizon of day 5, which will not count
        send(click("k", "u", at(0, 10)));
        harness.processWatermark(at(11, 0));

        // Days 0 and 10 counted: first seen on day 0, last active on day 10, two clicks.
        UserRetentionRow row = lastRow();
        assertThat(java.time.Instant.ofEpochMilli(row.firstSeenAt)).hasToString("2025-01-01T10:00:00Z");
        assertThat(java.time.Instant.ofEpochMilli(row.lastActiveAt)).hasToString("2025-01-11T10:00:00Z");
        assertThat(row.clicks).isEqualTo(2);
        assertThat(duplicates()).isEqualTo(1);
    }

    private long duplicates() {
        return Harnesses.longAccumulator(harness, EventAdmission.duplicatesAccumulator("retention"));
    }

    @Test
    void aDuplicateBeyondTheHorizonIsNoLongerRecognised() throws Exception {
        send(click("c1", "u", at(0, 10)));
        harness.processWatermark(at(8, 0)); // dedup horizon 7 days: c1 is forgotten after day 7 10:00
        send(click("c1", "u", at(8, 1)));
        harness.processWatermark(at(9, 0));
        assertThat(lastRow().clicks).isEqualTo(2);
    }

    @Test
    void lateEventsGoToTheDeadLetterOutputWithTheirBytes() throws Exception {
        send(click("e1", "u", day(10)));
        harness.processWatermark(day(10));
        PulseEvent late = purchase("p-late", "u", day(9), 700);
        late.sourceTopic = "purchases";
        late.sourcePartition = 2;
        late.sourceOffset = 77;
        send(late);
        harness.processWatermark(day(11));

        assertThat(late()).hasSize(1);
        DeadLetter d = late().get(0);
        assertThat(d.reason).isEqualTo("late_event");
        assertThat(d.sourceTopic).isEqualTo("purchases");
        assertThat(d.sourcePartition).isEqualTo(2);
        assertThat(d.sourceOffset).isEqualTo(77);
        PulseEvent decoded = EventMapper.toPulseEvent(new EventCodec().decode(EventType.PURCHASE, d.payload));
        assertThat(decoded.eventId).isEqualTo("p-late");
        assertThat(decoded.amountMinor).isEqualTo(700);
        assertThat(lastRow().purchases).isZero();
    }

    @Test
    void outOfOrderArrivalWithinTheLatenessIsAppliedInEventTimeOrder() throws Exception {
        // The user's first event arrives after a later one; both are ahead of the watermark.
        send(click("e2", "u", at(1, 10), "web"));
        send(click("e1", "u", at(0, 10), "qr"));
        harness.processWatermark(at(2, 0));

        assertThat(transitions()).containsExactly("u:null->new@2025-01-01T10:00:00Z");
        UserRetentionRow row = lastRow();
        assertThat(row.firstSeenAt).isEqualTo(at(0, 10));
        assertThat(row.acquisitionChannel).isEqualTo("qr");
        assertThat(row.clicks).isEqualTo(2);
    }

    @Test
    void aWatermarkStepAppliesAllOfAUsersPassedEventsWithOneTimerAndOneRow() throws Exception {
        send(click("e1", "u", at(0, 10)));
        send(click("e2", "u", at(0, 11)));
        send(purchase("p1", "u", at(0, 12), 700));
        // The later events wait with the first, on the heap (no keyed state touched, and no timer:
        // the operator releases them at the watermark) or in the user's value, with one timer at
        // the earliest.
        assertThat(harness.numEventTimeTimers()).isEqualTo(waitingEventsHaveTimers() ? 1 : 0);
        assertThat(held("u")).isEqualTo(3);
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(heldOnHeap() ? 0 : 1);

        harness.processWatermark(at(0, 12));
        assertThat(rows()).hasSize(1);
        assertThat(lastRow().asOf).isEqualTo(at(0, 12));
        assertThat(lastRow().clicks).isEqualTo(2);
        assertThat(lastRow().purchases).isEqualTo(1);
        assertThat(transitions()).containsExactly("u:null->new@2025-01-01T10:00:00Z");
        // Left: the status timer (new -> active 7 days after the first event), nothing held.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(held("u")).isZero();
        assertThat(function.heldOnHeap()).isZero();
    }

    @Test
    void anEarlierEventArrivingLaterGetsATimerOfItsOwnAndTheLaterOneWaitsForTheWatermark() throws Exception {
        send(click("e2", "u", at(0, 12)));
        send(click("e1", "u", at(0, 10)));
        assertThat(harness.numEventTimeTimers()).isEqualTo(waitingEventsHaveTimers() ? 2 : 0);

        harness.processWatermark(at(0, 11));
        assertThat(rows()).extracting(r -> r.asOf + ":" + r.clicks).containsExactly(at(0, 10) + ":1");
        assertThat(held("u")).isEqualTo(1);

        harness.processWatermark(at(0, 12));
        assertThat(rows()).extracting(r -> r.asOf + ":" + r.clicks).containsExactly(at(0, 10) + ":1", at(0, 12) + ":2");
    }

    @Test
    void aStatusChangeBeforeHeldEventsInOneWatermarkStepKeepsItsOwnInstant() throws Exception {
        send(click("e1", "u", day(0)));
        harness.processWatermark(day(0));
        send(click("e2", "u", day(10)));
        // The status timer at day 7 fires first and applies the day-10 event too, after the change.
        harness.processWatermark(day(10));

        assertThat(transitions()).containsExactly(
                "u:null->new@2025-01-01T00:00:00Z", "u:new->active@2025-01-08T00:00:00Z");
        assertThat(rows()).extracting(r -> r.status + "@" + r.asOf + ":" + r.clicks)
                .containsExactly("new@" + day(0) + ":1", "active@" + day(10) + ":2");
        // The day-10 event's timer, where it has one, still fired and found nothing; the next
        // status timer is armed.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void aBusyUsersHeldEventsSpillToOneEntryAndOneTimerPerInstantAndComeBackWhenNoneWaits() throws Exception {
        // On the heap the first HELD_IN_VALUE, then as many in the value, then the value spills.
        int n = 2 * UserRetentionFunction.HELD_IN_VALUE + 8;
        // n clicks one minute apart, sent newest first, all ahead of the watermark; and a copy.
        for (int i = n - 1; i >= 0; i--) {
            send(click("c" + i, "u", at(0, 10) + i * 60_000L, "ch" + i));
        }
        send(click("c5", "u", at(0, 10) + 5 * 60_000L));
        UserRetentionState spilled = stateOf("u");
        assertThat(spilled.heldSpilled).isTrue();
        assertThat(spilled.held.isEmpty()).isTrue();
        assertThat(function.heldOnHeap("u")).isEqualTo(heldOnHeap() ? UserRetentionFunction.HELD_IN_VALUE : 0);
        // A timer per spilled instant, and per event on the heap if those have timers.
        assertThat(harness.numEventTimeTimers())
                .isEqualTo(waitingEventsHaveTimers() ? n : n - UserRetentionFunction.HELD_IN_VALUE);
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(2); // the user's value and the map

        // Half of them: applied in event-time order, so the oldest click gives the channel.
        harness.processWatermark(at(0, 10) + (n / 2 - 1) * 60_000L);
        assertThat(lastRow().clicks).isEqualTo(n / 2);
        assertThat(lastRow().acquisitionChannel).isEqualTo("ch0");
        assertThat(stateOf("u").heldSpilled).isTrue();

        harness.processWatermark(at(0, 10) + n * 60_000L);
        assertThat(lastRow().clicks).isEqualTo(n);
        assertThat(lastRow().lastActiveAt).isEqualTo(at(0, 10) + (n - 1) * 60_000L);
        assertThat(duplicates()).isEqualTo(1);
        UserRetentionState drained = stateOf("u");
        assertThat(drained.heldSpilled).isFalse();
        // The held events' map is gone: left are the user's value and the counted ids' map (more
        // than IDS_IN_VALUE ids), and status timers.
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(2);
        assertThat(function.heldOnHeap()).isZero();

        // The next event is held on the heap again, or carried in the value.
        send(click("next", "u", at(1, 10)));
        assertThat(held("u")).isEqualTo(1);
        assertThat(stateOf("u").heldSpilled).isFalse();

        // Nothing leaks: once the user has churned no timer is left, nothing is held.
        harness.processWatermark(day(200));
        assertThat(lastRow().status).isEqualTo("churned");
        assertThat(lastRow().clicks).isEqualTo(n + 1);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(1);
        assertThat(held("u")).isZero();
    }

    @Test
    void aSpilledUsersEventsOnTheHeapAreReleasedTogetherOnceTheSpilledInstantsBeforeThemAre() throws Exception {
        long start = at(0, 10);
        // On the heap (the first HELD_IN_VALUE to arrive): minutes 10-41.
        for (int m = 10; m < 10 + UserRetentionFunction.HELD_IN_VALUE; m++) {
            send(click("c" + m, "u", start + m * 60_000L, "ch" + m));
        }
        // In the value, then spilled with the next one: minutes 0-9 and 50-72.
        for (int m = 0; m < 10; m++) {
            send(click("c" + m, "u", start + m * 60_000L, "ch" + m));
        }
        for (int m = 50; m <= 72; m++) {
            send(click("c" + m, "u", start + m * 60_000L, "ch" + m));
        }
        assertThat(stateOf("u").heldSpilled).isTrue();

        // Minutes 0-9 are spilled instants, each released by its own timer; minutes 50-72 stay
        // spilled, ahead of the watermark.
        harness.processWatermark(start + 45 * 60_000L);
        assertThat(lastRow().clicks).isEqualTo(42);
        assertThat(lastRow().acquisitionChannel).isEqualTo("ch0");
        assertThat(lastRow().lastActiveAt).isEqualTo(start + 41 * 60_000L);
        // A row per spilled instant (10). The heap's events, under the job's operator, are
        // released after the timers, all at once (one row: the spilled instants they must follow
        // were released already); with a timer each, an instant at a time (32).
        assertThat(rows()).hasSize(waitingEventsHaveTimers() ? 42 : 11);

        harness.processWatermark(start + 80 * 60_000L);
        assertThat(lastRow().clicks).isEqualTo(65);
        assertThat(held("u")).isZero();
    }

    @Test
    void aSpilledUserAtTheEndOfTimeIsAppliedWholeWithOneRow() throws Exception {
        harness.processBroadcastElement(JobControl.clockEnd(day(3), false), 0);
        int n = 2 * UserRetentionFunction.HELD_IN_VALUE + 3;
        for (int i = 0; i < n; i++) {
            send(purchase("p" + i, "u", day(1) + i * 1_000L, 100));
        }
        assertThat(stateOf("u").heldSpilled).isTrue();
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(rows()).hasSize(1);
        assertThat(lastRow().purchases).isEqualTo(n);
        assertThat(lastRow().revenueMinor).isEqualTo(100L * n);
        assertThat(lastRow().asOf).isEqualTo(day(1) + (n - 1) * 1_000L);
    }

    @Test
    void aBusyUsersCountedIdsSpillToAMapStillDecideDuplicatesAndComeBackOnceForgotten() throws Exception {
        int n = UserRetentionFunction.IDS_IN_VALUE + 6;
        for (int i = 0; i < n; i++) {
            send(click("k" + i, "u", at(0, 10) + i * 60_000L));
            harness.processWatermark(at(0, 10) + i * 60_000L);
        }
        assertThat(stateOf("u").countedIdsSpilled()).isTrue();
        assertThat(stateOf("u").countedIds.size()).isZero();
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(2); // the user's value and the map

        // A copy of the first click a day later is within its horizon: dropped on arrival.
        send(click("k0", "u", at(1, 10)));
        harness.processWatermark(at(1, 10));
        assertThat(duplicates()).isEqualTo(1);
        assertThat(lastRow().clicks).isEqualTo(n);

        // By day 20 every id is past its 7 days and a status timer has swept them all.
        harness.processWatermark(day(20));
        assertThat(stateOf("u").countedIdsSpilled()).isFalse();
        assertThat(Harnesses.numKeyedStateEntries(harness)).isEqualTo(1);
        assertThat(lastRow().status).isEqualTo("at_risk");
    }

    @Test
    void countedIdsSpillWhileALongRunOfDueEventsIsAppliedAtTheEndOfTime() throws Exception {
        harness.processBroadcastElement(JobControl.clockEnd(day(3), false), 0);
        int n = UserRetentionFunction.IDS_IN_VALUE * 2;
        for (int i = 0; i < n; i++) {
            send(click("k" + i, "u", at(0, 10) + i * 60_000L));
        }
        send(click("k3", "u", at(0, 10) + (n + 5) * 60_000L)); // a later copy of k3: the duplicate
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(rows()).hasSize(1);
        assertThat(lastRow().clicks).isEqualTo(n);
        assertThat(duplicates()).isEqualTo(1);
        assertThat(stateOf("u").countedIdsSpilled()).isTrue();
        assertThat(stateOf("u").countedIds.size()).isZero();
    }

    @Test
    void eventsAtTheSameInstantAreOrderedByEventId() throws Exception {
        send(click("b", "u", at(0, 10), "web"));
        send(click("a", "u", at(0, 10), "store"));
        harness.processWatermark(at(0, 10));
        assertThat(lastRow().acquisitionChannel).isEqualTo("store");
        assertThat(rows()).hasSize(1); // one row for the instant, not one per event
    }

    @Test
    void silentUsersOnOtherKeysMoveWithTheSharedClock() throws Exception {
        send(click("a1", "alice", day(0)));
        send(click("b1", "bob", day(20)));
        harness.processWatermark(day(20));
        assertThat(transitions()).contains(
                "alice:new->active@2025-01-08T00:00:00Z", "alice:active->at_risk@2025-01-15T00:00:00Z",
                "bob:null->new@2025-01-21T00:00:00Z");
    }

    @Test
    void afterARestoreEventsBehindTheCheckpointedWatermarkStayLate() throws Exception {
        send(click("e1", "u", day(10)));
        harness.processWatermark(day(10));
        harness.processWatermark(day(12));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness(snapshot);
        // The new harness has no watermark yet: without the checkpointed one, day 11 would be accepted.
        send(click("e-old", "u", day(11)));
        send(click("e3", "u", day(13)));
        harness.processWatermark(day(13));

        assertThat(late()).extracting(d -> d.reason).containsExactly("late_event");
        assertThat(lastRow().clicks).isEqualTo(2);
    }

    @Test
    void afterARescaleEveryHeldEventIsAppliedOnceByTheInstanceThatOwnsItsUser() throws Exception {
        harness.close();
        function = newFunction(maxWaitingOnHeap());
        harness = Harnesses.keyed(operatorOf(function), e -> e.userId, null, 128, 1, 0);
        // 20 users, user k with k + 1 clicks, all ahead of the watermark at the checkpoint.
        for (int k = 0; k < 20; k++) {
            for (int i = 0; i <= k; i++) {
                send(click("e" + k + "-" + i, "user" + k, at(0, 10) + i * 1_000L));
            }
        }
        OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);
        harness.close();

        Map<String, Long> clicksByUser = new HashMap<>();
        for (int index = 0; index < 2; index++) {
            function = newFunction(maxWaitingOnHeap());
            harness = Harnesses.keyed(operatorOf(function), e -> e.userId,
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(checkpoint, 128, 1, 2, index), 128, 2, index);
            harness.processWatermark(at(1, 0));
            assertThat(rows()).as("rows of instance %d", index).isNotEmpty();
            for (UserRetentionRow row : rows()) {
                assertThat(clicksByUser.put(row.userId, row.clicks)).as("%s applied once", row.userId).isNull();
            }
            assertThat(function.heldOnHeap()).isZero();
            if (index == 0) {
                harness.close();
            }
        }
        Map<String, Long> expected = new HashMap<>();
        for (int k = 0; k < 20; k++) {
            expected.put("user" + k, k + 1L);
        }
        assertThat(clicksByUser).isEqualTo(expected);
    }

    @Test
    void beyondTheHeapsCapEventsAreHeldInTheUsersStateAndAppliedWithTheOthersInEventTimeOrder() throws Exception {
        harness.close();
        function = newFunction(2);
        harness = Harnesses.keyed(operatorOf(function), e -> e.userId, null, 1, 1, 0);
        send(click("b", "u", at(0, 12), "second"));
        send(click("c", "v", at(0, 13)));
        // The heap is full: held in the user's state, though earlier than the one on the heap.
        send(click("a", "u", at(0, 10), "first"));
        // A copy of the event on the heap, arriving in the state's way: still a duplicate.
        send(click("b", "u", at(0, 12)));
        assertThat(function.heldOnHeap()).isEqualTo(2);
        assertThat(stateOf("u").held.size()).isEqualTo(1);
        assertThat(duplicates()).isEqualTo(1);

        harness.processWatermark(at(0, 13));
        assertThat(rows()).extracting(r -> r.userId + ":" + r.clicks + ":" + r.acquisitionChannel)
                .containsExactlyInAnyOrder("u:2:first", "v:1:app");
        assertThat(transitions()).contains("u:null->new@2025-01-01T10:00:00Z");
        assertThat(function.heldOnHeap()).isZero();
        assertThat(held("u")).isZero();
    }

    @Test
    void newActivityMovesTheNextStatusChangeLater() throws Exception {
        send(click("e1", "u", day(0)));
        harness.processWatermark(day(0));
        send(click("e2", "u", day(5)));
        harness.processWatermark(day(5));
        int rowsBefore = rows().size();
        // The day 7 timer (end of "new") still fires and makes the user active, correctly.
        harness.processWatermark(day(7));
        assertThat(rows()).hasSize(rowsBefore + 1);
        assertThat(lastRow().status).isEqualTo("active");
        // Day 14, 14 days after day 0: the user was active on day 5, so no change and no row.
        harness.processWatermark(day(14));
        assertThat(rows()).hasSize(rowsBefore + 1);
        harness.processWatermark(day(19));
        assertThat(lastRow().status).isEqualTo("at_risk");
        assertThat(lastRow().asOf).isEqualTo(day(19));
        // active days 0 and 5 (fewer than 3): risk_after 14 days from day 5 = day 19
        assertThat(transitions()).contains("u:active->at_risk@2025-01-20T00:00:00Z")
                .doesNotContain("u:active->at_risk@2025-01-15T00:00:00Z");
    }

    @Test
    void aStatusTimerMovedLaterByNewActivityIsDeletedNotLeftToFire() throws Exception {
        send(click("e1", "u", day(0)));
        harness.processWatermark(day(0));
        harness.processWatermark(day(7)); // new -> active; at_risk armed at day 14 (risk_after 14 days)
        send(click("e2", "u", day(8)));
        harness.processWatermark(day(8)); // active on days 0 and 8: at_risk now at day 22
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        int firingsBefore = firings();

        harness.processWatermark(day(21));
        // Nothing fired at day 14: a timer left there would have read the user's value for nothing.
        assertThat(firings()).isEqualTo(firingsBefore);
        assertThat(lastRow().status).isEqualTo("active");
        harness.processWatermark(day(22));
        assertThat(firings()).isEqualTo(firingsBefore + 1);
        assertThat(transitions()).containsExactly(
                "u:null->new@2025-01-01T00:00:00Z", "u:new->active@2025-01-08T00:00:00Z",
                "u:active->at_risk@2025-01-23T00:00:00Z");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1); // dormant, armed by that firing
    }

    @Test
    void aStatusTimerSharingItsInstantWithAWaitingEventIsKeptForThatEvent() throws Exception {
        send(click("e1", "u", day(0)));
        harness.processWatermark(day(7)); // active; at_risk armed at day 14
        // An event exactly at the status timer's instant waits (in the value with the heap limit 0,
        // with a timer of its own at the same instant), and an earlier one moves at_risk later.
        send(click("e14", "u", day(14)));
        send(click("e10", "u", day(10)));
        harness.processWatermark(day(10));
        assertThat(held("u")).isEqualTo(1);

        harness.processWatermark(day(14));
        // Whoever armed the day-14 timer, it still fires for the event waiting there.
        assertThat(held("u")).isZero();
        assertThat(lastRow().clicks).isEqualTo(3);
        assertThat(lastRow().asOf).isEqualTo(day(14));
    }

    @Test
    void aStatusTimerLeftBehindThatFiresBeforeEventsStillWaitingGivesEachChangeItsOwnRow() throws Exception {
        send(click("e1", "u", day(0)));
        harness.processWatermark(day(0));
        harness.processWatermark(day(14)); // new -> active at day 7, at_risk at day 14; dormant armed at day 30
        send(click("e2", "u", day(15))); // active again; at_risk 14 days later, day 29: before day 30
        // One step past both: the day-30 timer, left behind by e2, may fire before e2 is applied
        // (under the job's operator, which releases the heap's events after the timers).
        harness.processWatermark(day(40));

        assertThat(transitions()).containsExactly(
                "u:null->new@2025-01-01T00:00:00Z", "u:new->active@2025-01-08T00:00:00Z",
                "u:active->at_risk@2025-01-15T00:00:00Z", "u:at_risk->active@2025-01-16T00:00:00Z",
                "u:active->at_risk@2025-01-30T00:00:00Z");
        // A row at each instant that changed something, as the status timers give them when each
        // fires at its own instant: not one row at day 30 for both.
        assertThat(rows()).extracting(r -> r.status + "@" + r.asOf + ":" + r.clicks).containsExactly(
                "new@" + day(0) + ":1", "active@" + day(7) + ":1", "at_risk@" + day(14) + ":1",
                "active@" + day(15) + ":2", "at_risk@" + day(29) + ":2");
    }

    @Test
    void theClockStopsAtItsEndAsALiveWatermarkWouldStandThere() throws Exception {
        harness.processBroadcastElement(JobControl.clockEnd(day(20), false), 0);
        send(click("e1", "u", day(0)));
        send(click("e2", "u", day(25))); // after the end: not applied
        harness.processWatermark(Long.MAX_VALUE); // what BATCH mode does at the end of input

        assertThat(transitions()).containsExactly(
                "u:null->new@2025-01-01T00:00:00Z",
                "u:new->active@2025-01-08T00:00:00Z",
                "u:active->at_risk@2025-01-15T00:00:00Z");
        assertThat(lastRow().asOf).isEqualTo(day(14));
        assertThat(lastRow().clicks).isEqualTo(1);
    }

    @Test
    void atTheEndOfTimeOnlyTheLastOfAUsersRowsIsComputedEvenWhenTheLastInstantChangesNothing() throws Exception {
        harness.processBroadcastElement(JobControl.clockEnd(day(3), false), 0);
        send(click("e1", "u", day(0)));
        send(click("e2", "u", day(1)));
        send(purchase("p1", "u", day(2), 500));
        send(click("e1", "u", day(2) + 3_600_000)); // a copy of e1 within the dedup horizon: changes nothing
        harness.processWatermark(Long.MAX_VALUE);

        // Live, instants day 0, 1 and 2 each gave a row, each replacing the one before; the copy none.
        assertThat(rows()).hasSize(1);
        UserRetentionRow row = lastRow();
        assertThat(row.asOf).isEqualTo(day(2));
        assertThat(row.clicks).isEqualTo(2);
        assertThat(row.purchases).isEqualTo(1);
        assertThat(row.status).isEqualTo("new");
        assertThat(transitions()).containsExactly("u:null->new@2025-01-01T00:00:00Z");
    }

    @Test
    void atTheEndOfTimeStatusChangesAfterTheLastEventStillGetTheirRows() throws Exception {
        harness.processBroadcastElement(JobControl.clockEnd(day(20), false), 0);
        send(click("e1", "u", day(0)));
        send(click("e2", "u", day(1)));
        harness.processWatermark(Long.MAX_VALUE);

        // new -> active at day 7, at_risk 14 days after the last active day (day 15): a row each.
        assertThat(rows()).extracting(r -> r.status + "@" + r.asOf)
                .containsExactly("new@" + day(1), "active@" + day(7), "at_risk@" + day(15));
    }

    @Test
    void asOfGivesEveryUserARowEvaluatedAtThatInstant() throws Exception {
        harness.processBroadcastElement(JobControl.clockEnd(day(20), true), 0);
        send(purchase("p1", "u", day(0), 1000));
        harness.processWatermark(Long.MAX_VALUE);

        UserRetentionRow row = lastRow();
        assertThat(row.asOf).isEqualTo(day(20));
        assertThat(row.status).isEqualTo("at_risk");
        assertThat(row.ageDays).isEqualTo(20);
        assertThat(row.activityScore).isEqualTo(5 * Math.pow(0.5, 20.0 / 7), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aBroadcastModelIsUsedFromThenOn() throws Exception {
        send(purchase("p1", "u", day(0), 1000));
        send(purchase("p2", "u", day(3), 1000));
        harness.processWatermark(day(3));
        double before = lastRow().pAlive;
        JobControl fitted = new JobControl();
        fitted.modelR = 1.0;
        fitted.modelAlpha = 10.0;
        fitted.modelA = 0.5;
        fitted.modelB = 5.0;
        harness.processBroadcastElement(fitted, 0);
        send(purchase("p3", "u", day(10), 1000));
        harness.processWatermark(day(10));
        // x = 2, t_x = 10, T = 10 with the new parameters
        double expected = new BgNbdModel(new BgNbdParameters(1.0, 10.0, 0.5, 5.0)).probabilityAlive(2, 10, 10);
        assertThat(lastRow().pAlive).isEqualTo(expected).isNotEqualTo(before);
    }
}
