package io.customerpulse.reach;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.ControlledClock;
import io.customerpulse.flink.DeadLetters;
import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.EventTimers;
import io.customerpulse.flink.HeldEventList;
import io.customerpulse.flink.HeldEvents;
import io.customerpulse.flink.JobControl;
import io.customerpulse.flink.SpillableCountedIds;
import io.customerpulse.time.DayClock;

import org.apache.flink.api.common.functions.OpenContext;
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

import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by share_id: fixes each share's owner and resolves every click or purchase carrying it.
 *
 * <p>Share events and events carrying a share are held until the watermark passes them and then
 * handled in event-time order, so "the first share event" means the first in event time, live or
 * in a backfill (and of the copies of an event id, the earliest counts). An event whose share is
 * not known yet goes on to its user as {@link ShareStatus#PENDING} and waits here up to the share
 * wait (1 day of event time); the verdict follows it when the share event arrives or the wait runs
 * out (then it is a dead letter {@code unknown_share}, and organic for word of mouth).
 *
 * <p>State: one value per share_id ({@link ShareState}) with the owner, the events held until the
 * watermark passes them ({@link #HELD_IN_VALUE}; each instant has its timer, so that at each
 * instant the held events come before the waits that end there) and the event ids counted within
 * the dedup horizon ({@link #IDS_IN_VALUE}), with one timer to forget them once the newest is past
 * it. Why: async-profiler on {@code reach_live} put this operator's thread at 29% of the CPU,
 * within it map-state reads at 28%, the sweep of a MapState of ids 20% and the release of a map
 * entry per instant 18%. A share with more held events or ids than the value carries (a viral
 * link) has them moved to those MapStates until none are left. The events waiting for an unknown
 * share stay a MapState by the instant their wait ends (few, each with its timer).
 *
 * <p>Outputs: main = events with their share resolved, for the users' timelines; side outputs:
 * K-factor increments (shares, touches) and dead letters (late, conflict, unknown share).
 */
public class ShareResolverFunction extends KeyedBroadcastProcessFunction<String, PulseEvent, JobControl, ReferralEvent>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DailyDelta> DAILY = new OutputTag<>("share-daily", TypeInformation.of(DailyDelta.class));
    public static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("share-refused", TypeInformation.of(DeadLetter.class));

    /** Held events a share's state value carries; beyond them they move to a MapState ({@link #spill}). */
    static final int HELD_IN_VALUE = 32;
    /** Counted ids a share's state value carries; beyond them they move to a MapState ({@link SpillableCountedIds}). */
    static final int IDS_IN_VALUE = 64;

    private final ReachSettings settings;

    private transient DayClock days;
    private transient long waitMs;
    private transient ValueState<ShareState> shareState;
    private transient EventAdmission admission;
    private transient ControlledClock clock;
    private transient SpillableCountedIds countedIds;
    /** A share's held events once more than {@link #HELD_IN_VALUE} wait at once (see {@link #spill}). */
    private transient HeldEvents<PulseEvent> spilledHeld;
    /** Events whose share is unknown, by the instant their wait runs out. */
    private transient HeldEvents<PulseEvent> awaitingShare;

    private transient Counter selfTouches;
    private transient Counter ownerConflicts;
    private transient Counter unknownShares;
    private transient Counter eventsSpilled;

    public ShareResolverFunction(ReachSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        days = settings.dayClock();
        waitMs = settings.shareWait().toMillis();
        shareState = getRuntimeContext().getState(new ValueStateDescriptor<>("share", TypeInformation.of(ShareState.class)));
        clock = new ControlledClock();
        admission.open(getRuntimeContext());
        spilledHeld = new HeldEvents<>(getRuntimeContext(), "share-held-events", TypeInformation.of(PulseEvent.class));
        awaitingShare = new HeldEvents<>(getRuntimeContext(), "awaiting-share", TypeInformation.of(PulseEvent.class));
        var metrics = getRuntimeContext().getMetricGroup();
        countedIds = new SpillableCountedIds(admission, getRuntimeContext(), IDS_IN_VALUE, settings.dedupHorizon(),
                metrics.counter("countedIdsSpilled"));
        eventsSpilled = metrics.counter("heldEventsSpilled");
        selfTouches = metrics.counter("selfTouches");
        ownerConflicts = metrics.counter("shareOwnerConflicts");
        unknownShares = metrics.counter("unknownShares");
    }

    @Override
    public void processBroadcastElement(JobControl control, Context ctx, Collector<ReferralEvent> out) throws Exception {
        clock.update(control, ctx.getBroadcastState(JobControl.DESCRIPTOR));
    }

    @Override
    public void processElement(PulseEvent event, ReadOnlyContext ctx, Collector<ReferralEvent> out) throws Exception {
        if (clock.isBeyondEnd(event.eventTime, ctx.getBroadcastState(JobControl.DESCRIPTOR))) {
            return; // after a backfill's --as-of
        }
        ShareState share = state();
        TimerService timers = ctx.timerService();
        // While the share's held events are spilled, those at this event's instant (one read for
        // the duplicate check and the hold); otherwise null, and the value holds them.
        HeldEvents<PulseEvent>.Instant spilledInstant = share.heldSpilled ? spilledHeld.at(event.eventTime) : null;
        boolean copyHeld = spilledInstant != null
                ? spilledInstant.holds(e -> e.eventId.equals(event.eventId))
                : share.held.holdsCopyOf(event);
        switch (admission.admit(event, copyHeld, timers, countedIds.of(share.countedIds, share.spilledIdsSweepAt))) {
            case DUPLICATE -> {
                return;
            }
            case LATE -> {
                ctx.output(REFUSED, DeadLetters.of(event, DeadLetterReason.LATE_EVENT, admission.lateDetail()));
                return;
            }
            case ADMITTED -> { }
        }
        if (spilledInstant != null) {
            spilledInstant.hold(event, timers); // the share's value is unchanged
            return;
        }
        if (share.held.size() < HELD_IN_VALUE) {
            share.held.add(event);
            EventTimers.register(timers, event.eventTime); // a set: one timer per instant
        } else {
            spill(share, event, timers);
        }
        shareState.update(share);
    }

    /**
     * Moves the share's held events, and {@code event}, out of the value into a MapState of one
     * entry per instant: a share touched many times within the allowed lateness (a viral link)
     * would otherwise have all of them read and written with every touch.
     */
    private void spill(ShareState share, PulseEvent event, TimerService timers) throws Exception {
        for (PulseEvent waiting : share.held.releaseUpTo(Long.MAX_VALUE)) {
            spilledHeld.hold(waiting.eventTime, waiting, timers);
        }
        spilledHeld.hold(event.eventTime, event, timers);
        share.heldSpilled = true;
        eventsSpilled.inc();
    }

    private ShareState state() throws Exception {
        ShareState share = shareState.value();
        return share == null ? new ShareState() : share;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ReferralEvent> out) throws Exception {
        admission.observe(ctx.timerService());
        if (clock.isBeyondEnd(timestamp, ctx.getBroadcastState(JobControl.DESCRIPTOR))) {
            return; // the clock stops at its end, as a live job's watermark would stand there
        }
        ShareState share = state();
        // Each instant has its timer, and they fire in order: the held events at this one, then the
        // waits for an unknown share that end at it.
        List<PulseEvent> due = share.held.isEmpty() ? List.of() : share.held.releaseUpTo(timestamp);
        if (share.heldSpilled) {
            List<PulseEvent> spilled = spilledHeld.release(timestamp);
            if (spilled != null) {
                due = new ArrayList<>(due);
                due.addAll(spilled);
                due.sort(HeldEventList.APPLY_ORDER);
            }
            if (spilledHeld.isEmpty()) {
                share.heldSpilled = false; // back in the value from the next event on
            }
        }
        for (PulseEvent event : due) {
            if (!admission.counts(event, countedIds.of(share.countedIds, share.spilledIdsSweepAt))) {
                continue; // an earlier copy of its id counted within the dedup horizon
            }
            if (event.type == EventType.SHARE) {
                claim(share, event, ctx, out);
            } else {
                resolve(share, event, ctx, out, clock.current(ctx.getBroadcastState(JobControl.DESCRIPTOR)));
            }
        }
        // The share had the whole wait to arrive (a share at exactly this instant was handled above).
        List<PulseEvent> expired = awaitingShare.release(timestamp);
        if (expired != null) {
            for (PulseEvent event : expired) {
                unknown(event, ctx, out, true);
            }
        }
        forgetExpiredIds(share, timestamp, ctx.timerService());
        shareState.update(share);
    }

    /**
     * Forgets the counted ids past the dedup horizon, and keeps a timer armed to forget them if the
     * share sees nothing more ({@link SpillableCountedIds}).
     */
    private void forgetExpiredIds(ShareState share, long now, TimerService timers) throws Exception {
        share.spilledIdsSweepAt = countedIds.forgetExpired(share.countedIds, share.spilledIdsSweepAt, now);
        share.idsTimer = countedIds.keepForgetTimer(share.countedIds, share.spilledIdsSweepAt, share.idsTimer, now, timers);
    }

    private void claim(ShareState share, PulseEvent event, OnTimerContext ctx, Collector<ReferralEvent> out)
            throws Exception {
        ShareOwnership.Claim claim = ShareOwnership.claim(share, event, days);
        if (claim == ShareOwnership.Claim.CONFLICT) {
            ownerConflicts.inc();
            ctx.output(REFUSED, DeadLetters.of(event, DeadLetterReason.SHARE_OWNER_CONFLICT,
                    "share_id " + event.shareId + " belongs to " + share.owner + ", claimed by " + event.userId));
            // Refused as a share, it is still something the user did: their timeline must see it,
            // or their next event would pass for their first.
            out.collect(ReferralEvent.of(event, ShareStatus.CONFLICTING_SHARE));
            return;
        }
        ctx.output(DAILY, DailyDelta.share(days.epochDay(event.eventTime), event.channel, event.eventTime));
        out.collect(ReferralEvent.resolved(event, ShareStatus.OWN_SHARE, share));
        if (claim == ShareOwnership.Claim.NEW_SHARE) {
            for (PulseEvent waiting : awaitingShare.releaseAll()) {
                ReferralEvent verdict = touchOf(share, waiting, ctx);
                verdict.verdict = true;
                out.collect(verdict);
            }
        }
    }

    private void resolve(ShareState share, PulseEvent event, OnTimerContext ctx, Collector<ReferralEvent> out,
                         JobControl control) throws Exception {
        long now = event.eventTime;
        if (share.isKnown()) {
            out.collect(touchOf(share, event, ctx));
            return;
        }
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            decideNow(share, event, now, ctx, out, control.clockEnd);
            return;
        }
        out.collect(ReferralEvent.of(event, ShareStatus.PENDING));
        awaitingShare.hold(now + waitMs, event, ctx.timerService());
    }

    /**
     * At the end of time (a BATCH key's end, or the end of bounded input) Flink ignores timers
     * registered from a timer, so the wait for the share cannot be a timer. Every later event of
     * this share is already held, so the outcome of the wait is known now: the first share event
     * within the wait fixes the owner; with none, the event is an unknown share once the wait ends
     * before the end of the clock, else it stays pending, as in a live job whose clock stands there.
     */
    private void decideNow(ShareState share, PulseEvent event, long now, OnTimerContext ctx, Collector<ReferralEvent> out,
                           long clockEnd) throws Exception {
        List<PulseEvent> stillHeld = new ArrayList<>();
        for (int i = 0; i < share.held.size(); i++) {
            stillHeld.add(share.held.get(i));
        }
        if (share.heldSpilled) {
            for (var instant : spilledHeld.entries()) {
                stillHeld.addAll(instant.getValue());
            }
        }
        PulseEvent firstShare = null;
        for (PulseEvent candidate : stillHeld) {
            if (candidate.type == EventType.SHARE && candidate.eventTime <= now + waitMs && (firstShare == null
                    || candidate.eventTime < firstShare.eventTime
                    || candidate.eventTime == firstShare.eventTime && candidate.eventId.compareTo(firstShare.eventId) < 0)) {
                firstShare = candidate;
            }
        }
        if (firstShare != null) {
            ShareState owner = new ShareState();
            ShareOwnership.claim(owner, firstShare, days);
            out.collect(touchOf(owner, event, ctx));
        } else if (now + waitMs <= clockEnd) {
            unknown(event, ctx, out, false);
        } else {
            out.collect(ReferralEvent.of(event, ShareStatus.PENDING));
        }
    }

    private void unknown(PulseEvent event, OnTimerContext ctx, Collector<ReferralEvent> out, boolean verdict) {
        unknownShares.inc();
        ReferralEvent unknown = ReferralEvent.of(event, ShareStatus.UNKNOWN_SHARE);
        unknown.verdict = verdict;
        out.collect(unknown);
        ctx.output(REFUSED, DeadLetters.of(event, DeadLetterReason.UNKNOWN_SHARE,
                "no share event for share_id " + event.shareId + " within " + settings.shareWait()));
    }

    private ReferralEvent touchOf(ShareState share, PulseEvent event, OnTimerContext ctx) {
        if (ShareOwnership.touch(share, event) == ShareOwnership.Touch.SELF_TOUCH) {
            selfTouches.inc();
            return ReferralEvent.resolved(event, ShareStatus.SELF_TOUCH, share);
        }
        ctx.output(DAILY, DailyDelta.touch(share.day, share.channel, event.eventTime));
        return ReferralEvent.resolved(event, ShareStatus.TOUCH, share);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        admission.snapshotState();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        admission = new EventAdmission("share", settings.dedupHorizon());
        admission.initializeState(context);
    }
}
