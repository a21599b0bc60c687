package io.customerpulse.retention;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.DeadLetters;
import io.customerpulse.flink.HeldEvents;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.RecentEventIds;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

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
 * replay and a backfill produce the same history. The price is that a row appears once the
 * watermark (max event time minus the allowed lateness) has passed the event.
 *
 * <p>Timers: one event-time timer per held event time; one status timer at the next instant the
 * status would change without new activity, so an at_risk, dormant or churned user is noticed at
 * the exact instant even if they never send anything again; one sweep timer to forget event ids
 * older than the dedup horizon. A status timer that became too early (the user was active since)
 * is left to fire and re-arm itself, which costs one timer per rhythm period instead of a timer
 * deletion per event.
 *
 * <p>Outputs: main = user_retention rows; side outputs: transitions, cohort activity, and late
 * events as dead letters.
 */
public class UserRetentionFunction extends KeyedProcessFunction<String, PulseEvent, UserRetentionRow>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<StatusTransition> TRANSITIONS =
            new OutputTag<>("status-transitions", TypeInformation.of(StatusTransition.class));
    public static final OutputTag<CohortActivity> COHORT_ACTIVITY =
            new OutputTag<>("cohort-activity", TypeInformation.of(CohortActivity.class));
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private final RetentionSettings settings;

    private transient RetentionCalculator calculator;
    private transient ValueState<UserRetentionState> userState;
    private transient EventAdmission admission;
    private transient RecentEventIds seenEventIds;
    private transient HeldEvents<PulseEvent> heldEvents;

    private transient Counter eventsApplied;
    private transient Map<RetentionStatus, Counter> transitionsTo;

    public UserRetentionFunction(RetentionSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        calculator = new RetentionCalculator(settings);
        userState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("user-retention", TypeInformation.of(UserRetentionState.class)));
        admission.open(getRuntimeContext());
        seenEventIds = admission.seenEventIds();
        heldEvents = new HeldEvents<>(getRuntimeContext(), "held-events", TypeInformation.of(PulseEvent.class));

        var metrics = getRuntimeContext().getMetricGroup();
        eventsApplied = metrics.counter("eventsApplied");
        transitionsTo = new EnumMap<>(RetentionStatus.class);
        for (RetentionStatus status : RetentionStatus.values()) {
            transitionsTo.put(status, metrics.addGroup("to_status", status.word()).counter("transitions"));
        }
    }

    @Override
    public void processElement(PulseEvent event, Context ctx, Collector<UserRetentionRow> out) throws Exception {
        switch (admission.admit(event, ctx.timerService())) {
            case DUPLICATE -> {
                return;
            }
            case LATE -> {
                refuseLate(event, admission.lateDetail(), ctx);
                return;
            }
            case ADMITTED -> { }
        }
        heldEvents.hold(event.eventTime, event, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserRetentionRow> out) throws Exception {
        admission.observe(ctx.timerService());
        String userId = ctx.getCurrentKey();
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
                    // Only after a restore: the event arrived behind this user's own clock.
                    seenEventIds.forget(event.eventId);
                    refuseLate(event, "event_time is behind the user's clock "
                            + java.time.Instant.ofEpochMilli(state.clock) + " (arrived after a restart)", ctx);
                    continue;
                }
                calculator.apply(state, event, output);
                eventsApplied.inc();
                changed = true;
            }
            if (state.dedupSweepAt == RetentionRules.NEVER && !state.isEmpty()) {
                scheduleSweep(state, seenEventIds.sweepDueFor(timestamp), ctx);
            }
        }
        if (timestamp >= state.dedupSweepAt) {
            state.dedupSweepAt = RetentionRules.NEVER;
            scheduleSweep(state, seenEventIds.sweep(timestamp), ctx);
        }
        if (state.isEmpty()) {
            return;
        }
        rearmStatusTimer(state, timestamp, ctx);
        userState.update(state);
        if (changed) {
            out.collect(calculator.row(userId, state, timestamp));
        }
    }

    private void rearmStatusTimer(UserRetentionState state, long now, OnTimerContext ctx) {
        if (state.statusTimer <= now) {
            state.statusTimer = RetentionRules.NEVER;
        }
        long next = calculator.nextChangeAfter(state, state.clock);
        if (next < state.statusTimer) {
            ctx.timerService().registerEventTimeTimer(next);
            state.statusTimer = next;
        }
    }

    private static void scheduleSweep(UserRetentionState state, long due, OnTimerContext ctx) {
        if (due != RecentEventIds.NO_SWEEP) {
            state.dedupSweepAt = due;
            ctx.timerService().registerEventTimeTimer(due);
        }
    }

    private void refuseLate(PulseEvent event, String detail, Context ctx) {
        ctx.output(LATE_EVENTS, DeadLetters.of(event, DeadLetterReason.LATE_EVENT, detail));
    }

    /** Routes what the calculator produces to the side outputs and counts transitions. */
    private final class Output implements RetentionCalculator.Output {
        private final Context ctx;

        Output(Context ctx) {
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
