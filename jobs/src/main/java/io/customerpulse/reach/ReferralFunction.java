package io.customerpulse.reach;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.flink.DeadLetters;
import io.customerpulse.flink.HeldEventList;
import io.customerpulse.flink.HeldEvents;
import io.customerpulse.flink.ControlledClock;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.EventTimers;
import io.customerpulse.flink.JobControl;
import io.customerpulse.flink.RecentEventIds;

import org.apache.flink.api.common.functions.OpenContext;
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
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Comparator;
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
 * exactly what they would have seen had the share arrived first.
 *
 * <p>Outputs: main = updates of sharers' figures; side outputs: acquisitions (for the forest),
 * K-factor increments (sharers) and late events.
 */
public class ReferralFunction extends KeyedBroadcastProcessFunction<String, ReferralEvent, JobControl, SharerUpdate>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Acquisition> ACQUISITIONS =
            new OutputTag<>("acquisitions", TypeInformation.of(Acquisition.class));
    public static final OutputTag<DailyDelta> DAILY = new OutputTag<>("referral-daily", TypeInformation.of(DailyDelta.class));
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("referral-late", TypeInformation.of(DeadLetter.class));

    private static final Comparator<ReferralEvent> ORDER = Comparator.comparing((ReferralEvent r) -> r.event, HeldEventList.APPLY_ORDER);

    private final ReachSettings settings;

    private transient ReferralTimeline timeline;
    private transient ValueState<ReferralState> referralState;
    private transient MapState<String, Boolean> touchedBy;
    private transient EventAdmission admission;
    private transient ControlledClock clock;
    private transient RecentEventIds seenEventIds;
    private transient HeldEvents<ReferralEvent> held;

    private transient Counter pendingWaits;

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
        seenEventIds = admission.recentEventIds(getRuntimeContext());
        held = new HeldEvents<>(getRuntimeContext(), "referral-held-events", TypeInformation.of(ReferralEvent.class));
        var metrics = getRuntimeContext().getMetricGroup();
        pendingWaits = metrics.counter("pendingShareWaits");
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
            acceptVerdict(r, ctx, out);
            return;
        }
        HeldEvents<ReferralEvent>.Instant sameInstant = held.at(r.event.eventTime);
        if (r.status == ShareStatus.NONE) {
            // Straight from ingestion: events carrying a share were checked by the resolver.
            boolean copyHeld = sameInstant.holds(h -> h.event.eventId.equals(r.event.eventId));
            switch (admission.admit(r.event, copyHeld, ctx.timerService(), seenEventIds)) {
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
        sameInstant.hold(r, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SharerUpdate> out) throws Exception {
        admission.observe(ctx.timerService());
        if (clock.isBeyondEnd(timestamp, ctx.getBroadcastState(JobControl.DESCRIPTOR))) {
            return; // the clock stops at its end, as a live job's watermark would stand there
        }
        ReferralState state = state();
        if (state.isBlocked()) {
            if (held.peek(timestamp) != null) {
                state.blockedTimes.add(timestamp);
            }
        } else {
            applyHeld(timestamp, state, ctx, out);
        }
        if (timestamp >= state.sweepAt) {
            state.sweepAt = Long.MAX_VALUE;
            scheduleSweep(state, seenEventIds.sweep(timestamp), ctx);
        }
        referralState.update(state);
    }

    /** The late verdict on a pending event: record it, and resume the timeline if it waited for it. */
    private void acceptVerdict(ReferralEvent verdict, ReadOnlyContext ctx, Collector<SharerUpdate> out) throws Exception {
        long t = verdict.event.eventTime;
        List<ReferralEvent> atTime = held.peek(t);
        if (atTime == null) {
            throw new IllegalStateException("Verdict for " + verdict.event.eventId + " without a pending event");
        }
        List<ReferralEvent> updated = new ArrayList<>(atTime.size());
        for (ReferralEvent r : atTime) {
            boolean same = r.status == ShareStatus.PENDING && r.event.eventId.equals(verdict.event.eventId);
            updated.add(same ? verdict : r);
        }
        held.replace(t, updated);
        ReferralState state = state();
        if (state.isBlocked() && state.pendingSince == t) {
            state.pendingSince = Long.MIN_VALUE;
            List<Long> times = new ArrayList<>(state.blockedTimes);
            state.blockedTimes.clear();
            for (int i = 0; i < times.size(); i++) {
                applyHeld(times.get(i), state, ctx, out);
                if (state.isBlocked()) {
                    // Another pending event further on: wait again, keeping the rest in order.
                    state.blockedTimes.addAll(times.subList(i + 1, times.size()));
                    break;
                }
            }
        }
        referralState.update(state);
    }

    /**
     * Applies the events held at {@code t} in order, up to the first one still pending: that one
     * and the rest stay held, and the timeline waits at {@code t}.
     */
    private void applyHeld(long t, ReferralState state, ReadOnlyContext ctx, Collector<SharerUpdate> out) throws Exception {
        List<ReferralEvent> due = held.peek(t);
        if (due == null) {
            return;
        }
        due.sort(ORDER);
        Output output = new Output(ctx, out);
        String user = (String) ctx.getCurrentKey();
        for (int i = 0; i < due.size(); i++) {
            ReferralEvent r = due.get(i);
            if (r.status == ShareStatus.PENDING) {
                pendingWaits.inc();
                state.pendingSince = t;
                state.blockedTimes.add(0, t);
                held.replace(t, new ArrayList<>(due.subList(i, due.size())));
                return;
            }
            if (r.status == ShareStatus.NONE && !admission.counts(r.event, seenEventIds)) {
                continue; // an earlier copy of its id counted within the dedup horizon
            }
            timeline.apply(user, state, r, this::firstTouchBy, output);
        }
        held.replace(t, List.of());
        if (state.sweepAt == Long.MAX_VALUE) {
            scheduleSweep(state, seenEventIds.sweepDueFor(t), ctx);
        }
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

    private static void scheduleSweep(ReferralState state, long due, ReadOnlyContext ctx) {
        if (due != RecentEventIds.NO_SWEEP) {
            state.sweepAt = due;
            EventTimers.register(ctx.timerService(), due);
        }
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
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        admission.snapshotState();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        admission = new EventAdmission("referral", settings.dedupHorizon());
        admission.initializeState(context);
    }
}
