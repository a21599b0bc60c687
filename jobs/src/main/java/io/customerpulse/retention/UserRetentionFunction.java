package io.customerpulse.retention;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.PulseEvent;

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
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
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

    /** Sweeps of remembered event ids are rounded up to the hour, so one sweep clears many. */
    static final long SWEEP_GRANULARITY_MS = 3_600_000L;

    private final RetentionSettings settings;

    private transient RetentionCalculator calculator;
    private transient long dedupHorizonMs;
    private transient ValueState<UserRetentionState> userState;
    /** event_id -> event time of every event accepted within the dedup horizon. */
    private transient MapState<String, Long> seenEventIds;
    /** event time -> events waiting for the watermark to pass that instant. */
    private transient MapState<Long, List<PulseEvent>> heldEvents;

    /** The watermark at the last checkpoint: after a restore, events behind it stay late. */
    private transient ListState<Long> watermarkCheckpoint;
    private transient long restoredWatermark = Long.MIN_VALUE;
    /** The operator's timer service, kept to read the current watermark when a checkpoint is taken. */
    private transient TimerService timers;

    private transient Counter eventsApplied;
    private transient Counter duplicatesDropped;
    private transient Counter lateEvents;
    private transient Map<RetentionStatus, Counter> transitionsTo;

    public UserRetentionFunction(RetentionSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        calculator = new RetentionCalculator(settings);
        dedupHorizonMs = settings.dedupHorizon.toMillis();
        userState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("user-retention", TypeInformation.of(UserRetentionState.class)));
        seenEventIds = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG));
        heldEvents = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "held-events", Types.LONG, Types.LIST(TypeInformation.of(PulseEvent.class))));

        var metrics = getRuntimeContext().getMetricGroup();
        eventsApplied = metrics.counter("eventsApplied");
        duplicatesDropped = metrics.counter("duplicatesDropped");
        lateEvents = metrics.counter("lateEvents");
        transitionsTo = new EnumMap<>(RetentionStatus.class);
        for (RetentionStatus status : RetentionStatus.values()) {
            transitionsTo.put(status, metrics.addGroup("to_status", status.word()).counter("transitions"));
        }
    }

    @Override
    public void processElement(PulseEvent event, Context ctx, Collector<UserRetentionRow> out) throws Exception {
        if (seenEventIds.contains(event.eventId)) {
            duplicatesDropped.inc();
            return;
        }
        timers = ctx.timerService();
        long watermark = timers.currentWatermark();
        long lateBoundary = Math.max(watermark, restoredWatermark);
        if (event.eventTime < lateBoundary) {
            refuseLate(event, "event_time is behind the job's event-time clock "
                    + java.time.Instant.ofEpochMilli(lateBoundary) + " by more than the allowed lateness", ctx);
            return;
        }
        seenEventIds.put(event.eventId, event.eventTime);
        List<PulseEvent> held = heldEvents.get(event.eventTime);
        if (held == null) {
            held = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(event.eventTime);
        }
        held.add(event);
        heldEvents.put(event.eventTime, held);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserRetentionRow> out) throws Exception {
        timers = ctx.timerService();
        String userId = ctx.getCurrentKey();
        UserRetentionState state = userState.value();
        if (state == null) {
            state = new UserRetentionState();
        }
        Output output = new Output(ctx);
        boolean changed = calculator.advanceTo(userId, state, timestamp, output);

        List<PulseEvent> due = heldEvents.get(timestamp);
        if (due != null) {
            heldEvents.remove(timestamp);
            // Equal timestamps: a fixed order keeps scores and the acquisition channel reproducible.
            due.sort(Comparator.comparing((PulseEvent e) -> e.eventId).thenComparing(e -> e.type));
            for (PulseEvent event : due) {
                if (!state.isEmpty() && event.eventTime < state.clock) {
                    // Only after a restore: the event arrived behind this user's own clock.
                    seenEventIds.remove(event.eventId);
                    refuseLate(event, "event_time is behind the user's clock "
                            + java.time.Instant.ofEpochMilli(state.clock) + " (arrived after a restart)", ctx);
                    continue;
                }
                calculator.apply(state, event, output);
                eventsApplied.inc();
                changed = true;
            }
            if (state.dedupSweepAt == RetentionRules.NEVER && !state.isEmpty()) {
                scheduleSweep(state, timestamp, ctx);
            }
        }
        if (timestamp >= state.dedupSweepAt) {
            sweepSeenEventIds(state, timestamp, ctx);
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

    private void scheduleSweep(UserRetentionState state, long oldestEventTime, OnTimerContext ctx) {
        long due = roundUp(oldestEventTime + dedupHorizonMs, SWEEP_GRANULARITY_MS);
        state.dedupSweepAt = due;
        ctx.timerService().registerEventTimeTimer(due);
    }

    /** Forgets event ids older than the dedup horizon and schedules the next sweep. */
    private void sweepSeenEventIds(UserRetentionState state, long now, OnTimerContext ctx) throws Exception {
        long oldestKept = Long.MAX_VALUE;
        Iterator<Map.Entry<String, Long>> it = seenEventIds.iterator();
        while (it.hasNext()) {
            long eventTime = it.next().getValue();
            if (eventTime + dedupHorizonMs <= now) {
                it.remove();
            } else {
                oldestKept = Math.min(oldestKept, eventTime);
            }
        }
        state.dedupSweepAt = RetentionRules.NEVER;
        if (oldestKept != Long.MAX_VALUE) {
            scheduleSweep(state, oldestKept, ctx);
        } else {
            seenEventIds.clear(); // drops the empty map itself, not only its entries
        }
    }

    static long roundUp(long t, long granularity) {
        return Math.floorDiv(t + granularity - 1, granularity) * granularity;
    }

    private void refuseLate(PulseEvent event, String detail, Context ctx) {
        lateEvents.inc();
        byte[] payload = EventCodec.encode(EventMapper.toAvro(event));
        ctx.output(LATE_EVENTS, DeadLetter.of(DeadLetterReason.LATE_EVENT, detail, event.sourceTopic,
                event.sourcePartition, event.sourceOffset,
                event.userId.getBytes(java.nio.charset.StandardCharsets.UTF_8), payload));
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
        long current = timers == null ? Long.MIN_VALUE : timers.currentWatermark();
        watermarkCheckpoint.update(List.of(Math.max(current, restoredWatermark)));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermarkCheckpoint = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("watermark-at-checkpoint", Types.LONG));
        if (context.isRestored()) {
            // Union state: every subtask sees all subtasks' watermarks; the smallest is safe for any key.
            long min = Long.MAX_VALUE;
            for (Long w : watermarkCheckpoint.get()) {
                min = Math.min(min, w);
            }
            restoredWatermark = min == Long.MAX_VALUE ? Long.MIN_VALUE : min;
        } else {
            restoredWatermark = Long.MIN_VALUE;
        }
    }
}
