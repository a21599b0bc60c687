package io.customerpulse.retention;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.ControlledClock;
import io.customerpulse.flink.CountedIdList;
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
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each user's retention timeline (keyed by user id, state in RocksDB).
 *
 * <p>Order: an arriving event is held in the user's state until the watermark passes its event
 * time and then applied, so every user's events are applied in event-time order whatever order
 * they arrived in. That makes transitions and rows a function of the events alone: live
 * processing, a replay and a backfill produce the same history. Duplicates are decided there too
 * ({@link EventAdmission#counts}), so of the copies of an event id the earliest in event time
 * counts. The price is that a row appears once the watermark (max event time minus the allowed
 * lateness) has passed the event.
 *
 * <p>Where events wait: an arriving event that is not late waits on the heap of the parallel
 * instance ({@link PendingEvents}, checkpointed as operator state), so arrival reads and writes
 * nothing of the user's, and a watermark step costs one read and one write of the user's value per
 * user with events in it, however many of them there are. Under {@link UserRetentionOperator} (the
 * job's, STREAMING mode) the operator releases them at each watermark, so they need no timer;
 * otherwise (BATCH mode, or Flink's own operator) the user gets a timer at their earliest. The
 * value carries the counted event ids ({@link CountedIdList}). A late event is decided with the
 * user's value (only its counted ids tell a late event from a copy of one that counted), and beyond
 * {@link RetentionSettings#maxWaitingOnHeap} events on the heap, or {@link #HELD_IN_VALUE} of one
 * user there, arriving events wait in the user's value ({@link HeldEventList}), one read and one
 * write each. A user with more than {@link #HELD_IN_VALUE} events waiting in the value has them
 * moved to a MapState of one entry and one timer per instant until none waits, and one with more
 * than {@link #IDS_IN_VALUE} counted ids has those moved to a MapState of one entry per id, so a
 * busy user's events are not all rewritten with each of theirs.
 *
 * <p>Timers: one at or before the earliest event held in the user's value (and on the heap, unless
 * the operator releases those); one status timer at the next instant the status would change
 * without new activity, so an at_risk, dormant or churned user is noticed at the exact instant even
 * if they never send anything again. When any of a user's timers fires, everything the watermark
 * has passed is applied, each status change in between at its own instant, and one row comes out,
 * at the last instant that changed something (and, should the timer be later than status changes
 * after the last event, one at each of those, as their own timers would give). The counted event
 * ids are forgotten whenever a timer moves the user's clock past their horizon, so they need no
 * timer of their own. A status timer that new activity made wrong is deleted and armed at the new
 * instant: left, it would fire only to read the user's value and find nothing to do. It is left
 * when another of the user's timers shares its instant (Flink's timers are a set per key and
 * instant), as is a timer at held events an earlier timer applied: those fire and find nothing.
 *
 * <p>Control (broadcast): the end of the clock (a backfill: nothing after it is applied; with
 * --as-of every user also gets a row evaluated at it) and the BG/NBD parameters, which a live job
 * picks up from the newest fitted model without a restart.
 *
 * <p>Outputs: main = user_retention rows; side outputs: transitions, cohort activity, and late
 * events as dead letters.
 *
 * <p>At the end of time (a BATCH key's end, or the end of bounded input) the watermark stands at
 * its maximum: the user's first timer then applies all their events and walks the status changes
 * after the last one up to the clock's end, as the status timers would have (timers registered
 * then never fire).
 */
public class UserRetentionFunction extends KeyedBroadcastProcessFunction<String, PulseEvent, JobControl, UserRetentionRow>
        implements CheckpointedFunction, HeapReleasingOperator.Releasing {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UserRetentionFunction.class);

    public static final OutputTag<StatusTransition> TRANSITIONS =
            new OutputTag<>("status-transitions", TypeInformation.of(StatusTransition.class));
    public static final OutputTag<CohortActivity> COHORT_ACTIVITY =
            new OutputTag<>("cohort-activity", TypeInformation.of(CohortActivity.class));
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    /** Held events a user's state value carries; beyond them they move to a MapState ({@link #spill}). */
    static final int HELD_IN_VALUE = 32;
    /** Counted ids a user's state value carries; beyond them they move to a MapState ({@link #forgetExpiredIds}). */
    static final int IDS_IN_VALUE = 64;

    /** The accumulator counting events after the clock end (a backfill's --as-of). */
    public static final String EVENTS_AFTER_CLOCK_END = "retention.eventsAfterClockEnd";

    private final RetentionSettings settings;

    private transient RetentionCalculator calculator;
    private transient ControlledClock clock;
    private transient BgNbdParameters modelInUse;
    private transient ValueState<UserRetentionState> userState;
    private transient EventAdmission admission;
    /** The user's counted ids: in the value, or beyond {@link #IDS_IN_VALUE} in a MapState (see {@link #forgetExpiredIds}). */
    private transient SpillableCountedIds countedIds;
    /** A user's held events once more than {@link #HELD_IN_VALUE} wait (see {@link #spill}). */
    private transient HeldEvents<PulseEvent> spilledHeld;
    /** Admitted events ahead of the watermark, on the heap; checkpointed into {@link #pendingCheckpointed}. */
    private transient PendingEvents<PulseEvent> pending;
    private transient ListState<PulseEvent> pendingCheckpointed;

    private transient Counter eventsApplied;
    private transient Counter eventsSpilled;
    private transient Counter eventsBeyondHeap;
    private transient Counter eventsAfterClockEnd;
    private transient org.apache.flink.api.common.accumulators.LongCounter eventsAfterClockEndTotal;
    private transient Map<RetentionStatus, Counter> transitionsTo;

    public UserRetentionFunction(RetentionSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        calculator = new RetentionCalculator(settings);
        modelInUse = settings.model;
        clock = new ControlledClock();
        userState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("user-retention", TypeInformation.of(UserRetentionState.class)));
        admission.open(getRuntimeContext());
        spilledHeld = new HeldEvents<>(getRuntimeContext(), "held-events", TypeInformation.of(PulseEvent.class));

        var metrics = getRuntimeContext().getMetricGroup();
        eventsApplied = metrics.counter("eventsApplied");
        eventsSpilled = metrics.counter("heldEventsSpilled");
        eventsBeyondHeap = metrics.counter("eventsBeyondHeap");
        countedIds = new SpillableCountedIds(admission, getRuntimeContext(), IDS_IN_VALUE, settings.dedupHorizon,
                metrics.counter("countedIdsSpilled"));
        eventsAfterClockEnd = metrics.counter("eventsAfterClockEnd");
        eventsAfterClockEndTotal = getRuntimeContext().getLongCounter(EVENTS_AFTER_CLOCK_END);
        metrics.gauge("pendingEventsOnHeap", () -> pending.size());
        transitionsTo = new EnumMap<>(RetentionStatus.class);
        for (RetentionStatus status : RetentionStatus.values()) {
            transitionsTo.put(status, metrics.addGroup("to_status", status.word()).counter("transitions"));
        }
    }

    @Override
    public void processBroadcastElement(JobControl control, Context ctx, Collector<UserRetentionRow> out) throws Exception {
        JobControl current = clock.update(control, ctx.getBroadcastState(JobControl.DESCRIPTOR));
        useModelOf(current);
    }

    /** Rows from now on use the control's BG/NBD parameters, if it has any. */
    private void useModelOf(JobControl control) {
        if (!control.hasModel()) {
            return;
        }
        BgNbdParameters model = new BgNbdParameters(control.modelR, control.modelAlpha, control.modelA, control.modelB);
        if (!model.equals(modelInUse)) {
            LOG.info("BG/NBD parameters from now on: {}", model);
            modelInUse = model;
            calculator = new RetentionCalculator(settings.toBuilder().model(model).build());
        }
    }

    @Override
    public void processElement(PulseEvent event, ReadOnlyContext ctx, Collector<UserRetentionRow> out) throws Exception {
        ReadOnlyBroadcastState<String, JobControl> control = ctx.getBroadcastState(JobControl.DESCRIPTOR);
        if (clock.isBeyondEnd(event.eventTime, control)) {
            eventsAfterClockEnd.inc();
            eventsAfterClockEndTotal.add(1);
            return;
        }
        String userId = ctx.getCurrentKey();
        TimerService timers = ctx.timerService();
        JobControl current = clock.current(control);
        if (current.evaluateAtClockEnd) {
            // A backfill's clock end is known before its events and never moves; timers are a set
            // per user and instant, so registering it with every event arms it once.
            EventTimers.register(timers, current.clockEnd);
        }
        HeldEventList<PulseEvent> pendingOfUser = pending.of(userId);
        boolean late = admission.isBehindClock(event, timers);
        if (!late && pending.size() < settings.maxWaitingOnHeap
                && (pendingOfUser == null || pendingOfUser.size() < HELD_IN_VALUE)) {
            // The common case: the user's value is not touched until the watermark passes the event.
            boolean copyHeld = pendingOfUser != null && pendingOfUser.holdsCopyOf(event);
            if (admission.admitAheadOfClock(copyHeld) == EventAdmission.Verdict.ADMITTED
                    && pending.hold(userId, event) && !pending.tracksDueOrder()) {
                EventTimers.register(timers, event.eventTime);
            }
            return;
        }
        if (!late && pending.size() >= settings.maxWaitingOnHeap) {
            eventsBeyondHeap.inc();
        }
        holdInState(event, ctx, pendingOfUser != null && pendingOfUser.holdsCopyOf(event));
    }

    /**
     * A late event (only the user's counted ids tell it from a duplicate), or one the heap has no
     * room for: decided with the user's state and held in it.
     */
    private void holdInState(PulseEvent event, ReadOnlyContext ctx, boolean copyPending) throws Exception {
        UserRetentionState state = userState.value();
        if (state == null) {
            state = new UserRetentionState();
        }
        // While the user's held events are spilled, what is held at this event's instant (one read
        // for the duplicate check and the hold); otherwise null, and the value holds them.
        HeldEvents<PulseEvent>.Instant spilledInstant = state.heldSpilled ? spilledHeld.at(event.eventTime) : null;
        boolean copyHeld = copyPending || (spilledInstant != null
                ? spilledInstant.holds(e -> e.eventId.equals(event.eventId))
                : state.held.holdsCopyOf(event));
        switch (admission.admit(event, copyHeld, ctx.timerService(), countedIdsOf(state))) {
            case DUPLICATE -> {
                return;
            }
            case LATE -> {
                ctx.output(LATE_EVENTS, DeadLetters.of(event, DeadLetterReason.LATE_EVENT, admission.lateDetail()));
                return;
            }
            case ADMITTED -> { }
        }
        if (spilledInstant != null) {
            spilledInstant.hold(event, ctx.timerService()); // the user's value is unchanged
        } else if (state.held.size() < HELD_IN_VALUE) {
            state.held.add(event);
            if (event.eventTime < state.heldTimer) {
                EventTimers.register(ctx.timerService(), event.eventTime);
                state.heldTimer = event.eventTime;
            }
            userState.update(state);
        } else {
            spill(state, event, ctx.timerService());
            userState.update(state);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserRetentionRow> out) throws Exception {
        TimerService timers = ctx.timerService();
        admission.observe(timers);
        JobControl control = clock.current(ctx.getBroadcastState(JobControl.DESCRIPTOR));
        useModelOf(control);
        if (timestamp > control.clockEnd) {
            return; // the clock stops at its end, as a live job's watermark would stand there
        }
        String userId = ctx.getCurrentKey();
        boolean endOfTime = timers.currentWatermark() == Long.MAX_VALUE;
        long upTo = Math.min(timers.currentWatermark(), control.clockEnd);
        UserRetentionState state = userState.value();
        // Spilled events are released an instant at a time, each by its own timer: those on the
        // heap must then wait for theirs too, or an instant still spilled would come after them.
        // Not at the end of time, nor in the operator's release after the timers: every spilled
        // instant the watermark passed has had its timer by then.
        boolean spilledInstantsAhead = state != null && state.heldSpilled && !endOfTime && !pending.isReleasingDue();
        long pendingUpTo = spilledInstantsAhead ? timestamp : upTo;
        List<PulseEvent> duePending = pending.releaseUpTo(userId, pendingUpTo, timers);
        if (state == null) {
            if (duePending.isEmpty()) {
                return;
            }
            state = new UserRetentionState();
        }
        Output output = new Output(ctx);
        long changedAt = RetentionRules.NONE;

        // Whichever of the user's timers fires, everything the watermark has passed is applied now,
        // in event-time order, each status change before it at its own instant: one state read and
        // write, and one row, for all of the user's events in this watermark step.
        for (PulseEvent event : releaseDue(state, timestamp, upTo, endOfTime, duePending)) {
            if (!state.isEmpty() && event.eventTime < state.clock) {
                // Only after a restore: the event arrived behind this user's own clock. Its id
                // was never remembered (ids are remembered when applied).
                ctx.output(LATE_EVENTS, DeadLetters.of(event, DeadLetterReason.LATE_EVENT,
                        "event_time is behind the user's clock " + java.time.Instant.ofEpochMilli(state.clock)
                                + " (arrived after a restart)"));
                continue;
            }
            if (calculator.advanceTo(userId, state, event.eventTime, output)) {
                changedAt = event.eventTime;
            }
            if (!admission.counts(event, countedIdsOf(state))) {
                continue; // an earlier copy of its id counted within the dedup horizon
            }
            calculator.apply(state, event, output);
            eventsApplied.inc();
            changedAt = event.eventTime;
            if (state.countedIds.size() > IDS_IN_VALUE) {
                forgetExpiredIds(state); // a long run of due events (a backfill) keeps the list short too
            }
        }
        if (calculator.nextChangeAfter(state, state.clock) <= timestamp) {
            // Status changes between the last instant applied and this timer's, each with its row
            // at its own instant, as their own timers give them. It happens when a timer fires
            // with events before it still waiting: a status timer left behind (see the class
            // comment) firing before the operator releases the heap's events (UserRetentionOperator).
            if (changedAt != RetentionRules.NONE) {
                out.collect(calculator.row(userId, state, changedAt));
                changedAt = RetentionRules.NONE;
            }
            walkTo(timestamp, userId, state, output, out);
        }
        if (calculator.advanceTo(userId, state, timestamp, output)) {
            changedAt = timestamp;
        }
        rearmHeldTimer(state, timestamp, timers);
        if (state.isEmpty()) {
            userState.update(state); // nothing applied yet: only held events
            return;
        }
        // No sweep timers: the status timers touch the state until the user has churned, 90 days
        // after their last event, far beyond the dedup horizon.
        forgetExpiredIds(state);
        rearmStatusTimer(state, timestamp, control, timers, userId);
        if (control.evaluateAtClockEnd && timestamp == control.clockEnd) {
            changedAt = timestamp; // every user gets a row evaluated at --as-of
        }
        if (changedAt != RetentionRules.NONE) {
            // The row of the last instant that changed something; an instant after it that changed
            // nothing (a copy within the dedup horizon, a timer left behind) gives no row.
            out.collect(calculator.row(userId, state, changedAt));
        }
        if (endOfTime) {
            // Flink ignores the status timers registered now: their changes, up to the clock's end.
            walkTo(control.clockEnd, userId, state, output, out);
        }
        userState.update(state);
    }

    private CountedIds countedIdsOf(UserRetentionState state) {
        return countedIds.of(state.countedIds, state.spilledIdsSweepAt);
    }

    /**
     * Forgets the counted ids past the dedup horizon ({@link SpillableCountedIds}: more than
     * {@link #IDS_IN_VALUE} move to a MapState of their own, and back once a sweep leaves none).
     */
    private void forgetExpiredIds(UserRetentionState state) throws Exception {
        state.spilledIdsSweepAt = countedIds.forgetExpired(state.countedIds, state.spilledIdsSweepAt, state.clock);
    }

    /**
     * The user's events due now, in {@link HeldEventList#APPLY_ORDER}: those due on the heap
     * ({@code duePending}) and, held in the user's state, in the value everything up to
     * {@code upTo}; spilled, the instant of this timer (each instant has its own timer, and they
     * fire in order), or at the end of time everything up to {@code upTo} at once.
     */
    private List<PulseEvent> releaseDue(UserRetentionState state, long timestamp, long upTo, boolean endOfTime,
                                        List<PulseEvent> duePending) throws Exception {
        List<PulseEvent> dueInState;
        boolean inOrder = !state.heldSpilled; // the value's list sorts what it releases; the map does not
        if (inOrder) {
            dueInState = state.held.isEmpty() ? List.of() : state.held.releaseUpTo(upTo);
        } else {
            dueInState = endOfTime ? spilledHeld.releaseUpTo(upTo) : spilledHeld.release(timestamp);
            if (dueInState == null) {
                dueInState = List.of();
            }
            if (spilledHeld.isEmpty()) {
                state.heldSpilled = false; // back in the value from the next event on
            }
        }
        if (dueInState.isEmpty()) {
            return duePending; // in order
        }
        if (duePending.isEmpty() && inOrder) {
            return dueInState;
        }
        List<PulseEvent> due = new ArrayList<>(duePending.size() + dueInState.size());
        due.addAll(duePending);
        due.addAll(dueInState);
        due.sort(HeldEventList.APPLY_ORDER);
        return due;
    }

    /**
     * Moves the user's held events, and {@code event}, out of the value into a MapState of one
     * entry and one timer per instant: a user sending many events within the allowed lateness (a
     * bot, a busy session) would otherwise have all of them read and written with every event.
     */
    private void spill(UserRetentionState state, PulseEvent event, TimerService timers) throws Exception {
        for (PulseEvent held : state.held.releaseUpTo(Long.MAX_VALUE)) {
            spilledHeld.hold(held.eventTime, held, timers);
        }
        spilledHeld.hold(event.eventTime, event, timers);
        state.heldSpilled = true;
        state.heldTimer = RetentionRules.NEVER; // the timer armed for the list still fires, finding its instant's events
        eventsSpilled.inc();
    }

    /**
     * Keeps a timer armed at or before the earliest held event: the one that fired is forgotten,
     * and a new one is registered if none that is still to fire comes early enough.
     */
    private static void rearmHeldTimer(UserRetentionState state, long now, TimerService timers) {
        if (state.heldTimer <= now || state.held.isEmpty()) {
            state.heldTimer = RetentionRules.NEVER; // fired, or a timer left to fire finding nothing
        }
        long earliest = state.held.earliestTime();
        if (earliest < state.heldTimer) {
            EventTimers.register(timers, earliest);
            state.heldTimer = earliest;
        }
    }

    /**
     * Applies the user's status changes up to {@code until}, each at its own instant with its row:
     * exactly what the status timers do while the watermark advances. Needed where no timer will:
     * at the end of time (a BATCH key's end, or the end of bounded input) Flink fires the timers it
     * has but ignores timers registered from a timer; and where a timer fired late (see onTimer).
     */
    private void walkTo(long until, String userId, UserRetentionState state, Output output,
                        Collector<UserRetentionRow> out) {
        long next = calculator.nextChangeAfter(state, state.clock);
        while (next != RetentionRules.NEVER && next <= until) {
            calculator.advanceTo(userId, state, next, output);
            out.collect(calculator.row(userId, state, next));
            next = calculator.nextChangeAfter(state, state.clock);
        }
    }

    /**
     * Arms the status timer at the user's next status change. A timer armed for an earlier
     * estimate (new activity moved the change later, or a shorter rhythm earlier) is deleted when
     * no other purpose shares its instant; left, it would fire, read the user's value and find
     * nothing to do. Most events move the next change, so most would leave one behind.
     */
    private void rearmStatusTimer(UserRetentionState state, long now, JobControl control, TimerService timers,
                                  String userId) {
        if (state.statusTimer <= now) {
            state.statusTimer = RetentionRules.NEVER;
        }
        long next = calculator.nextChangeAfter(state, state.clock);
        if (next > control.clockEnd || next == state.statusTimer) {
            // Armed there already; or the change is beyond the clock's end, where no timer is
            // armed and the one armed before, if any, is left to fire and find nothing.
            return;
        }
        if (state.statusTimer != RetentionRules.NEVER && statusTimerAlone(state, control, userId)) {
            timers.deleteEventTimeTimer(state.statusTimer);
            state.statusTimer = RetentionRules.NEVER;
        } else if (next > state.statusTimer) {
            return; // shared with another purpose: it fires, finds nothing of the status, and re-arms it
        }
        if (next != RetentionRules.NEVER) {
            EventTimers.register(timers, next);
            state.statusTimer = next;
        }
    }

    /**
     * Whether nothing but the status needs the user's timer at {@code state.statusTimer}: Flink's
     * timers are a set per key and instant, and a deletion takes the instant from every purpose.
     * Events held in the value have a timer at their earliest, spilled ones one at each of their
     * instants (not looked up: while spilled the status timer is left), the heap's earliest one
     * when the operator does not release them, and a backfill with --as-of one at the clock's end.
     */
    private boolean statusTimerAlone(UserRetentionState state, JobControl control, String userId) {
        long at = state.statusTimer;
        return at != state.heldTimer
                && !state.heldSpilled
                && (pending.tracksDueOrder() || at != pending.earliestTime(userId))
                && !(control.evaluateAtClockEnd && at == control.clockEnd);
    }

    /** Routes what the calculator produces to the side outputs and counts transitions. */
    private final class Output implements RetentionCalculator.Output {
        private final OnTimerContext ctx;

        Output(OnTimerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void transition(StatusTransition transition) {
            transitionsTo.get(RetentionStatus.ofWord(transition.toStatus)).inc();
            ctx.output(TRANSITIONS, transition);
        }

        @Override
        public void cohortActivity(CohortActivity activity) {
            ctx.output(COHORT_ACTIVITY, activity);
        }
    }

    @Override
    public PendingEvents<?> eventsOnHeap() {
        return pending;
    }

    /** Events of {@code userId} held on this instance's heap (tests). */
    int heldOnHeap(String userId) {
        HeldEventList<PulseEvent> held = pending.of(userId);
        return held == null ? 0 : held.size();
    }

    /** Events held on this instance's heap, of all users (tests). */
    int heldOnHeap() {
        return pending.size();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        admission.snapshotState();
        pendingCheckpointed.update(pending.all());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        admission = new EventAdmission("retention", settings.dedupHorizon);
        admission.initializeState(context);
        // A union: after rescaling, a user's held events go wherever the user's key group went.
        pendingCheckpointed = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("retention-pending-events", TypeInformation.of(PulseEvent.class)));
        pending = new PendingEvents<>();
        if (context.isRestored()) {
            pending.restore(pendingCheckpointed.get(), e -> e.userId, KeyGroups.ownedBy(getRuntimeContext().getTaskInfo()));
        }
    }
}
