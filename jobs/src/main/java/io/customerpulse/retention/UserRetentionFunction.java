package io.customerpulse.retention;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.ControlledClock;
import io.customerpulse.flink.CountedIdList;
import io.customerpulse.flink.DeadLetters;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.EventTimers;
import io.customerpulse.flink.HeldEvents;
import io.customerpulse.flink.JobControl;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps each user's retention timeline (keyed by user id, state in RocksDB).
 *
 * <p>Order: an arriving event is held in state until the watermark passes its event time and
 * then applied, so every user's events are applied in event-time order whatever order they
 * arrived in. That makes transitions and rows a function of the events alone: live processing, a
 * replay and a backfill produce the same history. Duplicates are decided there too
 * ({@link EventAdmission#counts}), so of the copies of an event id the earliest in event time
 * counts. The price is that a row appears once the watermark (max event time minus the allowed
 * lateness) has passed the event.
 *
 * <p>Timers: one event-time timer per held event time; one status timer at the next instant the
 * status would change without new activity, so an at_risk, dormant or churned user is noticed at
 * the exact instant even if they never send anything again. The counted event ids live in the
 * user's state value and are forgotten whenever a timer moves the user's clock past their
 * horizon, so they need no timer of their own. A status timer that became too early (the user was active since)
 * is left to fire and re-arm itself, which costs one timer per rhythm period instead of a timer
 * deletion per event.
 *
 * <p>Control (broadcast): the end of the clock (a backfill: nothing after it is applied; with
 * --as-of every user also gets a row evaluated at it) and the BG/NBD parameters, which a live job
 * picks up from the newest fitted model without a restart.
 *
 * <p>Outputs: main = user_retention rows; side outputs: transitions, cohort activity, and late
 * events as dead letters.
 *
 * <p>Rows at the end of time (a BATCH key's end, or the end of bounded input): the watermark
 * stands at its maximum and all of a user's remaining timers fire one after another, each of
 * which used to compute a row that the next one replaced. There a row is only noted
 * ({@code deferredRowAt}) while more of the user's held events are due, and computed once the
 * user's last timer shows that no later row replaces it. The user state a row reads does not
 * change in between (a call that changes it notes or emits a row of its own instead), so the row
 * is the one that would have been computed at its own instant.
 */
public class UserRetentionFunction extends KeyedBroadcastProcessFunction<String, PulseEvent, JobControl, UserRetentionRow>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UserRetentionFunction.class);

    public static final OutputTag<StatusTransition> TRANSITIONS =
            new OutputTag<>("status-transitions", TypeInformation.of(StatusTransition.class));
    public static final OutputTag<CohortActivity> COHORT_ACTIVITY =
            new OutputTag<>("cohort-activity", TypeInformation.of(CohortActivity.class));
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    /** The accumulator counting events after the clock end (a backfill's --as-of). */
    public static final String EVENTS_AFTER_CLOCK_END = "retention.eventsAfterClockEnd";

    private final RetentionSettings settings;

    private transient RetentionCalculator calculator;
    private transient ControlledClock clock;
    private transient BgNbdParameters modelInUse;
    private transient ValueState<UserRetentionState> userState;
    /** The instant of a row not yet computed, at the end of time only (see the class comment). */
    private transient ValueState<Long> deferredRowAt;
    private transient EventAdmission admission;
    private transient HeldEvents<PulseEvent> heldEvents;

    private transient Counter eventsApplied;
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
        heldEvents = new HeldEvents<>(getRuntimeContext(), "held-events", TypeInformation.of(PulseEvent.class));
        deferredRowAt = getRuntimeContext().getState(new ValueStateDescriptor<>("deferred-row-at", Types.LONG));

        var metrics = getRuntimeContext().getMetricGroup();
        eventsApplied = metrics.counter("eventsApplied");
        eventsAfterClockEnd = metrics.counter("eventsAfterClockEnd");
        eventsAfterClockEndTotal = getRuntimeContext().getLongCounter(EVENTS_AFTER_CLOCK_END);
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
        HeldEvents<PulseEvent>.Instant sameInstant = heldEvents.at(event.eventTime);
        boolean copyHeld = sameInstant.holds(e -> e.eventId.equals(event.eventId));
        UserRetentionState state = userState.value();
        switch (admission.admit(event, copyHeld, ctx.timerService(), state == null ? new CountedIdList() : state.countedIds)) {
            case DUPLICATE -> {
                return;
            }
            case LATE -> {
                ctx.output(LATE_EVENTS, DeadLetters.of(event, DeadLetterReason.LATE_EVENT, admission.lateDetail()));
                return;
            }
            case ADMITTED -> { }
        }
        sameInstant.hold(event, ctx.timerService());
        JobControl current = clock.current(control);
        if (current.evaluateAtClockEnd) {
            EventTimers.register(ctx.timerService(), current.clockEnd);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserRetentionRow> out) throws Exception {
        admission.observe(ctx.timerService());
        JobControl control = clock.current(ctx.getBroadcastState(JobControl.DESCRIPTOR));
        useModelOf(control);
        String userId = ctx.getCurrentKey();
        if (timestamp > control.clockEnd) {
            if (deferredRowAt.value() != null) {
                emitDeferredRow(userId, userState.value(), out); // nothing after the clock end changes the user
            }
            return; // the clock stops at its end, as a live job's watermark would stand there
        }
        UserRetentionState state = userState.value();
        if (state == null) {
            state = new UserRetentionState();
        }
        Output output = new Output(ctx);
        boolean changed = calculator.advanceTo(userId, state, timestamp, output);

        List<PulseEvent> due = heldEvents.release(timestamp);
        if (due != null) {
            // Equal timestamps: a fixed order keeps scores and the acquisition channel reproducible.
            due.sort(Comparator.comparing((PulseEvent e) -> e.eventId).thenComparing(e -> e.type));
            for (PulseEvent event : due) {
                if (!state.isEmpty() && event.eventTime < state.clock) {
                    // Only after a restore: the event arrived behind this user's own clock. Its id
                    // was never remembered (ids are remembered when applied).
                    ctx.output(LATE_EVENTS, DeadLetters.of(event, DeadLetterReason.LATE_EVENT,
                            "event_time is behind the user's clock " + java.time.Instant.ofEpochMilli(state.clock)
                                    + " (arrived after a restart)"));
                    continue;
                }
                if (!admission.counts(event, state.countedIds)) {
                    continue; // an earlier copy of its id counted within the dedup horizon
                }
                calculator.apply(state, event, output);
                eventsApplied.inc();
                changed = true;
            }
        }
        // No sweep timers: the status timers touch the state until the user has churned, 90 days
        // after their last event, far beyond the dedup horizon.
        admission.forgetExpired(state.countedIds, timestamp);
        if (state.isEmpty()) {
            return;
        }
        rearmStatusTimer(state, timestamp, control.clockEnd, ctx.timerService());
        boolean finalRow = control.evaluateAtClockEnd && timestamp == control.clockEnd;
        boolean rowDue = changed || finalRow;
        if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
            if (rowDue) {
                out.collect(calculator.row(userId, state, timestamp));
            }
        } else if (!heldEvents.isEmpty()) {
            // More of this user's timers fire right after this one: note the row, do not compute it.
            if (rowDue) {
                deferredRowAt.update(timestamp);
            }
        } else {
            // The user's last timer.
            if (rowDue) {
                deferredRowAt.clear();
                out.collect(calculator.row(userId, state, timestamp));
            } else if (!walkEmitsRows(state, control.clockEnd)) {
                emitDeferredRow(userId, state, out);
            } else {
                deferredRowAt.clear(); // the walk's rows are later and replace it
            }
            walkToClockEnd(userId, state, control.clockEnd, output, out);
        }
        userState.update(state);
    }

    private void emitDeferredRow(String userId, UserRetentionState state, Collector<UserRetentionRow> out) throws Exception {
        Long at = deferredRowAt.value();
        if (at != null) {
            deferredRowAt.clear();
            out.collect(calculator.row(userId, state, at));
        }
    }

    private boolean walkEmitsRows(UserRetentionState state, long clockEnd) {
        long next = calculator.nextChangeAfter(state, state.clock);
        return next != RetentionRules.NEVER && next <= clockEnd;
    }

    /**
     * At the end of time (a BATCH key's end, or the end of bounded input) Flink fires the timers it
     * has but ignores timers registered from a timer, so the status changes after a user's last
     * event are applied here, each at its own instant with its row, up to the end of the clock:
     * exactly what the status timers do while the watermark advances.
     */
    private void walkToClockEnd(String userId, UserRetentionState state, long clockEnd, Output output,
                                Collector<UserRetentionRow> out) {
        long next = calculator.nextChangeAfter(state, state.clock);
        while (next != RetentionRules.NEVER && next <= clockEnd) {
            calculator.advanceTo(userId, state, next, output);
            out.collect(calculator.row(userId, state, next));
            next = calculator.nextChangeAfter(state, state.clock);
        }
    }

    private void rearmStatusTimer(UserRetentionState state, long now, long clockEnd, TimerService timers) {
        if (state.statusTimer <= now) {
            state.statusTimer = RetentionRules.NEVER;
        }
        long next = calculator.nextChangeAfter(state, state.clock);
        if (next < state.statusTimer && next <= clockEnd) {
            EventTimers.register(timers, next);
            state.statusTimer = next;
        }
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
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        admission.snapshotState();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        admission = new EventAdmission("retention", settings.dedupHorizon);
        admission.initializeState(context);
    }
}
