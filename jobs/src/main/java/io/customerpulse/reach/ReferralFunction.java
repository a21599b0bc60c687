package io.customerpulse.reach;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.flink.ControlledClock;
import io.customerpulse.flink.CountedIds;
import io.customerpulse.flink.DeadLetters;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.EventTimers;
import io.customerpulse.flink.HeapReleasingOperator;
import io.customerpulse.flink.HeldEventList;
import io.customerpulse.flink.HeldEvents;
import io.customerpulse.flink.JobControl;
import io.customerpulse.flink.KeyGroups;
import io.customerpulse.flink.PendingEvents;
import io.customerpulse.flink.SpillableCountedIds;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by user: the user's word-of-mouth timeline ({@link ReferralTimeline}) over all their
 * events, in event-time order (ties by event_id).
 *
 * <p>Events without a share come straight from ingestion and are held until the watermark passes
 * them; events with a share come from the {@link ShareResolverFunction} when the watermark passes
 * them, already resolved, or as {@link ShareStatus#PENDING}. A pending event stops the user's
 * timeline at its instant until its verdict arrives (at most the share wait later), so that the
 * first event, the latest touch before a purchase and every other order-dependent decision see
 * exactly what they would have seen had the share arrived first. The verdict then applies
 * everything the watermark has passed meanwhile.
 *
 * <p>Where events wait: an arriving event that is not late waits on the heap of the parallel
 * instance ({@link PendingEvents}, checkpointed as operator state), so arrival reads and writes
 * nothing of the user's; under {@link HeapReleasingOperator} (the job's, STREAMING mode) the
 * operator releases them at each watermark, with no timer, otherwise (BATCH mode, or Flink's own
 * operator) the user gets a timer at their earliest. Beyond
 * {@link ReachSettings#maxWaitingOnHeap} events on the heap, or {@link #HELD_IN_VALUE} of one user
 * there, events wait in the user's value ({@link ReferralState}), one read and one write each,
 * with one timer at the earliest; so do the heap's due events while the timeline waits for a
 * verdict. Whichever
 * of the user's timers fires applies everything the watermark has passed: one read and one write
 * of the value per user and watermark step. The value also carries the event ids counted within
 * the dedup horizon ({@link #IDS_IN_VALUE}), with one timer to forget them once the newest is past
 * it. Why: async-profiler on {@code reach_live} put map-state reads at 28% of this operator's
 * thread and the iterator sweeping a MapState of ids at 19%, when events waited in a MapState
 * entry and a timer per instant and ids in a MapState entry each. A busy user (more waiting, or
 * more ids, than the value carries) has them moved to those MapStates until none are left, so
 * their events are not all rewritten with each of theirs; the sharers a user was touched by stay a
 * MapState (read on touches only).
 *
 * <p>Outputs: main = updates of sharers' figures; side outputs: acquisitions (for the forest),
 * K-factor increments (sharers) and late events.
 */
public class ReferralFunction extends KeyedBroadcastProcessFunction<String, ReferralEvent, JobControl, SharerUpdate>
        implements CheckpointedFunction, HeapReleasingOperator.Releasing {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Acquisition> ACQUISITIONS =
            new OutputTag<>("acquisitions", TypeInformation.of(Acquisition.class));
    public static final OutputTag<DailyDelta> DAILY = new OutputTag<>("referral-daily", TypeInformation.of(DailyDelta.class));
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("referral-late", TypeInformation.of(DeadLetter.class));

    /** Waiting events a user's state value carries; beyond them they move to a MapState ({@link #spill}). */
    static final int HELD_IN_VALUE = 32;
    /** Counted ids a user's state value carries; beyond them they move to a MapState ({@link SpillableCountedIds}). */
    static final int IDS_IN_VALUE = 64;

    private final ReachSettings settings;

    private transient ReferralTimeline timeline;
    private transient ValueState<ReferralState> referralState;
    private transient MapState<String, Boolean> touchedBy;
    private transient EventAdmission admission;
    private transient ControlledClock clock;
    private transient SpillableCountedIds countedIds;
    /** A user's waiting events once more than {@link #HELD_IN_VALUE} wait (see {@link #spill}). */
    private transient HeldEvents<ReferralEvent> spilledHeld;
    /** Admitted events ahead of the watermark, on the heap; checkpointed into {@link #pendingCheckpointed}. */
    private transient PendingEvents<ReferralEvent> pending;
    private transient ListState<ReferralEvent> pendingCheckpointed;

    private transient Counter pendingWaits;
    private transient Counter eventsSpilled;
    private transient Counter eventsBeyondHeap;

    public ReferralFunction(ReachSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        timeline = new ReferralTimeline(settings);
        referralState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("referral", TypeInformation.of(ReferralState.class)));
        touchedBy = getRuntimeContext().getMapState(new MapStateDescriptor<>("touched-by", Types.STRING, Types.BOOLEAN));
        clock = new ControlledClock();
        admission.open(getRuntimeContext());
        spilledHeld = new HeldEvents<>(getRuntimeContext(), "referral-held-events", TypeInformation.of(ReferralEvent.class));
        var metrics = getRuntimeContext().getMetricGroup();
        countedIds = new SpillableCountedIds(admission, getRuntimeContext(), IDS_IN_VALUE, settings.dedupHorizon(),
                metrics.counter("countedIdsSpilled"));
        pendingWaits = metrics.counter("pendingShareWaits");
        eventsSpilled = metrics.counter("heldEventsSpilled");
        eventsBeyondHeap = metrics.counter("eventsBeyondHeap");
        metrics.gauge("pendingEventsOnHeap", () -> pending.size());
    }

    @Override
    public void processBroadcastElement(JobControl control, Context ctx, Collector<SharerUpdate> out) throws Exception {
        clock.update(control, ctx.getBroadcastState(JobControl.DESCRIPTOR));
    }

    @Override
    public void processElement(ReferralEvent r, ReadOnlyContext ctx, Collector<SharerUpdate> out) throws Exception {
        if (clock.isBeyondEnd(r.event.eventTime, ctx.getBroadcastState(JobControl.DESCRIPTOR))) {
            return; // after a backfill's --as-of
        }
        if (r.verdict) {
            ReferralState state = state();
            acceptVerdict(r, state, ctx, out);
            referralState.update(state);
            return;
        }
        String user = ctx.getCurrentKey();
        TimerService timers = ctx.timerService();
        HeldEventList<ReferralEvent> pendingOfUser = pending.of(user);
        // Straight from ingestion (NONE) an event may be late; events carrying a share come from
        // the resolver as its watermark passes them, ahead of this operator's, and were checked there.
        boolean late = r.status == ShareStatus.NONE && admission.isBehindClock(r.event, timers);
        if (!late && pending.size() < settings.maxWaitingOnHeap()
                && (pendingOfUser == null || pendingOfUser.size() < HELD_IN_VALUE)) {
            // The common case: the user's value is not touched until the watermark passes the event.
            boolean copyHeld = pendingOfUser != null && pendingOfUser.holdsCopyOf(r.event);
            if ((r.status != ShareStatus.NONE || admission.admitAheadOfClock(copyHeld) == EventAdmission.Verdict.ADMITTED)
                    && pending.hold(user, r) && !pending.tracksDueOrder()) {
                EventTimers.register(timers, r.event.eventTime);
            }
            return;
        }
        if (!late && pending.size() >= settings.maxWaitingOnHeap()) {
            eventsBeyondHeap.inc();
        }
        holdInState(r, ctx, pendingOfUser != null && pendingOfUser.holdsCopyOf(r.event));
    }

    /**
     * A late event (only the user's counted ids tell it from a duplicate), or one the heap has no
     * room for: decided with the user's state and held in it.
     */
    private void holdInState(ReferralEvent r, ReadOnlyContext ctx, boolean copyPending) throws Exception {
        ReferralState state = state();
        TimerService timers = ctx.timerService();
        // While the user's waiting events are spilled, those at this event's instant (one read for
        // the duplicate check and the hold); otherwise null, and the value holds them.
        HeldEvents<ReferralEvent>.Instant spilledInstant = state.heldSpilled ? spilledHeld.at(r.event.eventTime) : null;
        if (r.status == ShareStatus.NONE) {
            boolean copyHeld = copyPending || (spilledInstant != null
                    ? spilledInstant.holds(h -> h.event.eventId.equals(r.event.eventId))
                    : state.held.holdsCopyOf(r.event));
            switch (admission.admit(r.event, copyHeld, timers, countedIdsOf(state))) {
                case DUPLICATE -> {
                    return;
                }
                case LATE -> {
                    ctx.output(LATE_EVENTS, DeadLetters.of(r.event, DeadLetterReason.LATE_EVENT, admission.lateDetail()));
                    return;
                }
                case ADMITTED -> { }
            }
        }
        if (spilledInstant != null) {
            spilledInstant.hold(r, timers); // the user's value is unchanged
            return;
        }
        hold(state, r, timers);
        referralState.update(state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SharerUpdate> out) throws Exception {
        TimerService timers = ctx.timerService();
        admission.observe(timers);
        if (clock.isBeyondEnd(timestamp, ctx.getBroadcastState(JobControl.DESCRIPTOR))) {
            return; // the clock stops at its end, as a live job's watermark would stand there
        }
        String user = ctx.getCurrentKey();
        long watermark = timers.currentWatermark();
        boolean endOfTime = watermark == Long.MAX_VALUE;
        ReferralState state = referralState.value();
        // Spilled events are released an instant at a time, each by its own timer: those on the
        // heap must then wait for theirs too, or an instant still spilled would come after them.
        // Not at the end of time, nor in the operator's release after the timers: every spilled
        // instant the watermark passed has had its timer by then.
        boolean spilledInstantsAhead = state != null && state.heldSpilled && !endOfTime && !pending.isReleasingDue();
        List<ReferralEvent> duePending = pending.releaseUpTo(user, spilledInstantsAhead ? timestamp : watermark, timers);
        if (state == null) {
            if (duePending.isEmpty()) {
                return;
            }
            state = new ReferralState();
        }
        if (state.heldTimer <= timestamp) {
            state.heldTimer = ReferralState.NEVER; // this one, or one left to fire finding nothing
        }
        if (!state.isBlocked()) {
            List<ReferralEvent> spilled = !state.heldSpilled ? null
                    : endOfTime ? spilledHeld.releaseUpTo(watermark) : spilledHeld.release(timestamp);
            applyInOrder(releaseUpTo(state, watermark, spilled, duePending), state, ctx, out);
        } else {
            for (ReferralEvent waiting : duePending) {
                hold(state, waiting, timers); // waits with the user's others for the verdict
            }
        }
        state.spilledIdsSweepAt = countedIds.forgetExpired(state.countedIds, state.spilledIdsSweepAt, timestamp);
        rearmTimers(state, timers, timestamp);
        referralState.update(state);
    }

    /**
     * The late verdict on a pending event: put in its place, and if the timeline waits for it,
     * everything the watermark has passed since is applied.
     */
    private void acceptVerdict(ReferralEvent verdict, ReferralState state, ReadOnlyContext ctx, Collector<SharerUpdate> out)
            throws Exception {
        long t = verdict.event.eventTime;
        if (!replacePending(state, verdict, ctx.getCurrentKey())) {
            throw new IllegalStateException("Verdict for " + verdict.event.eventId + " without a pending event");
        }
        if (state.isBlocked() && state.pendingSince == t) {
            state.pendingSince = ReferralState.NOT_BLOCKED;
            long watermark = ctx.timerService().currentWatermark();
            List<ReferralEvent> spilled = state.heldSpilled ? spilledHeld.releaseUpTo(watermark) : null;
            List<ReferralEvent> duePending = pending.releaseUpTo(ctx.getCurrentKey(), watermark, ctx.timerService());
            applyInOrder(releaseUpTo(state, watermark, spilled, duePending), state, ctx, out);
        }
        rearmTimers(state, ctx.timerService(), ctx.timerService().currentWatermark());
    }

    /** Replaces the pending event {@code verdict} decides (same id and instant); false if none waits. */
    private boolean replacePending(ReferralState state, ReferralEvent verdict, String user) throws Exception {
        HeldEventList<ReferralEvent> onHeap = pending.of(user);
        if (onHeap != null) {
            for (int i = 0; i < onHeap.size(); i++) {
                if (decides(verdict, onHeap.get(i))) {
                    onHeap.set(i, verdict); // not yet released: the watermark has not passed it here
                    return true;
                }
            }
        }
        if (!state.heldSpilled) {
            for (int i = 0; i < state.held.size(); i++) {
                if (decides(verdict, state.held.get(i))) {
                    state.held.set(i, verdict);
                    return true;
                }
            }
            return false;
        }
        List<ReferralEvent> atTime = spilledHeld.peek(verdict.event.eventTime);
        if (atTime != null) {
            for (int i = 0; i < atTime.size(); i++) {
                if (decides(verdict, atTime.get(i))) {
                    List<ReferralEvent> updated = new ArrayList<>(atTime);
                    updated.set(i, verdict);
                    spilledHeld.replace(verdict.event.eventTime, updated);
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean decides(ReferralEvent verdict, ReferralEvent held) {
        return held.status == ShareStatus.PENDING
                && held.event.eventTime == verdict.event.eventTime
                && held.event.eventId.equals(verdict.event.eventId);
    }

    /**
     * The user's waiting events at or before {@code watermark} from the value, with
     * {@code spilled} (null if none) and those due on the heap, in {@link HeldEventList#ITEM_ORDER},
     * no longer held.
     */
    private static List<ReferralEvent> releaseUpTo(ReferralState state, long watermark, List<ReferralEvent> spilled,
                                                   List<ReferralEvent> duePending) {
        List<ReferralEvent> inValue = state.held.isEmpty() ? List.of() : state.held.releaseUpTo(watermark);
        boolean noneSpilled = spilled == null || spilled.isEmpty();
        if (noneSpilled && inValue.isEmpty()) {
            return duePending; // in order
        }
        if (noneSpilled && duePending.isEmpty()) {
            return inValue; // in order
        }
        List<ReferralEvent> due = new ArrayList<>(inValue.size() + duePending.size() + (noneSpilled ? 0 : spilled.size()));
        due.addAll(inValue);
        due.addAll(duePending);
        if (!noneSpilled) {
            due.addAll(spilled);
        }
        due.sort(HeldEventList.ITEM_ORDER);
        return due;
    }

    /**
     * Applies {@code due} in order, up to the first event still pending: that one and the rest wait
     * again, and the timeline waits at its instant for its verdict.
     */
    private void applyInOrder(List<ReferralEvent> due, ReferralState state, ReadOnlyContext ctx,
                              Collector<SharerUpdate> out) throws Exception {
        Output output = new Output(ctx, out);
        String user = (String) ctx.getCurrentKey();
        for (int i = 0; i < due.size(); i++) {
            ReferralEvent r = due.get(i);
            if (r.status == ShareStatus.PENDING) {
                pendingWaits.inc();
                state.pendingSince = r.event.eventTime;
                for (ReferralEvent waiting : due.subList(i, due.size())) {
                    hold(state, waiting, ctx.timerService());
                }
                break;
            }
            if (r.status == ShareStatus.NONE && !admission.counts(r.event, countedIdsOf(state))) {
                continue; // an earlier copy of its id counted within the dedup horizon
            }
            timeline.apply(user, state, r, this::firstTouchBy, output);
            if (state.countedIds.size() > IDS_IN_VALUE) {
                // A long run of due events (a backfill) keeps the list short too.
                state.spilledIdsSweepAt = countedIds.forgetExpired(state.countedIds, state.spilledIdsSweepAt,
                        r.event.eventTime);
            }
        }
        if (state.heldSpilled && spilledHeld.isEmpty()) {
            state.heldSpilled = false; // back in the value from the next event on
        }
    }

    /**
     * Holds {@code r} until the watermark passes it: in the value, with a timer at the earliest
     * (none while the timeline waits for a verdict, which resumes it); spilled, at its instant.
     */
    private void hold(ReferralState state, ReferralEvent r, TimerService timers) throws Exception {
        long t = r.event.eventTime;
        if (state.heldSpilled) {
            spilledHeld.hold(t, r, timers);
        } else if (state.held.size() < HELD_IN_VALUE) {
            state.held.add(r);
            if (!state.isBlocked() && t < state.heldTimer) {
                EventTimers.register(timers, t);
                state.heldTimer = t;
            }
        } else {
            spill(state, r, timers);
        }
    }

    /**
     * Moves the user's waiting events, and {@code r}, out of the value into a MapState of one entry
     * and one timer per instant: a user sending many events within the allowed lateness (a bot, a
     * busy session) would otherwise have all of them read and written with every event.
     */
    private void spill(ReferralState state, ReferralEvent r, TimerService timers) throws Exception {
        for (ReferralEvent waiting : state.held.releaseUpTo(Long.MAX_VALUE)) {
            spilledHeld.hold(waiting.event.eventTime, waiting, timers);
        }
        spilledHeld.hold(r.event.eventTime, r, timers);
        state.heldSpilled = true;
        state.heldTimer = ReferralState.NEVER; // the timer armed for the list still fires, finding its instant's events
        eventsSpilled.inc();
    }

    /**
     * Keeps a timer at or before the earliest event waiting in the value (unless the timeline waits
     * for a verdict), and one to forget the counted ids if the user sends nothing more.
     */
    private void rearmTimers(ReferralState state, TimerService timers, long now) {
        long earliest = state.held.earliestTime();
        if (!state.isBlocked() && earliest < state.heldTimer) {
            EventTimers.register(timers, earliest);
            state.heldTimer = earliest;
        }
        state.idsTimer = countedIds.keepForgetTimer(state.countedIds, state.spilledIdsSweepAt, state.idsTimer, now, timers);
    }

    private CountedIds countedIdsOf(ReferralState state) {
        return countedIds.of(state.countedIds, state.spilledIdsSweepAt);
    }

    private boolean firstTouchBy(String sharer) throws Exception {
        if (touchedBy.contains(sharer)) {
            return false;
        }
        touchedBy.put(sharer, true);
        return true;
    }

    private ReferralState state() throws Exception {
        ReferralState state = referralState.value();
        return state == null ? new ReferralState() : state;
    }

    private static final class Output implements ReferralTimeline.Output {
        private final ReadOnlyContext ctx;
        private final Collector<SharerUpdate> out;

        Output(ReadOnlyContext ctx, Collector<SharerUpdate> out) {
            this.ctx = ctx;
            this.out = out;
        }

        @Override
        public void acquisition(String user, String acquirer, int shareDay, String shareChannel, long at) {
            ctx.output(ACQUISITIONS, new Acquisition(user, acquirer, shareDay, shareChannel, at));
        }

        @Override
        public void newReach(String sharer, long at) {
            out.collect(SharerUpdate.of(sharer, SharerUpdate.Kind.REACH, 1, at));
        }

        @Override
        public void attributedPurchase(String sharer, long valueMinor, long at) {
            out.collect(SharerUpdate.of(sharer, SharerUpdate.Kind.ATTRIBUTED_PURCHASE, valueMinor, at));
        }

        @Override
        public void acquiredRevenue(String acquirer, long valueMinor, long at) {
            out.collect(SharerUpdate.of(acquirer, SharerUpdate.Kind.ACQUIRED_REVENUE, valueMinor, at));
        }

        @Override
        public void share(String sharer, boolean newSharerOfDay, int day, String channel, long at) {
            out.collect(SharerUpdate.of(sharer, SharerUpdate.Kind.SHARE, 1, at));
            if (newSharerOfDay) {
                ctx.output(DAILY, DailyDelta.sharer(day, channel, at));
            }
        }
    }

    @Override
    public PendingEvents<?> eventsOnHeap() {
        return pending;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        admission.snapshotState();
        pendingCheckpointed.update(pending.all());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        admission = new EventAdmission("referral", settings.dedupHorizon());
        admission.initializeState(context);
        // A union: after rescaling, a user's waiting events go wherever the user's key group went.
        pendingCheckpointed = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("referral-pending-events", TypeInformation.of(ReferralEvent.class)));
        pending = new PendingEvents<>();
        if (context.isRestored()) {
            pending.restore(pendingCheckpointed.get(), r -> r.event.userId, KeyGroups.ownedBy(getRuntimeContext().getTaskInfo()));
        }
    }
}
