package io.customerpulse.retention;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.JobControl;

import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionInternalTimeServiceManager;
import org.apache.flink.streaming.api.watermark.Watermark;

import java.util.List;

/**
 * The user timeline's operator: Flink's keyed broadcast operator for {@link UserRetentionFunction},
 * which in STREAMING mode also releases the events waiting on the heap at each watermark, so they
 * need no event-time timer each.
 *
 * <p>Why: on RocksDB an event-time timer is a write when it is registered and a delete when it
 * fires, and the timer queue reads RocksDB again to refill its cache. async-profiler on
 * {@code retention_live} put the timer queue at about a third of the timeline thread's samples,
 * and most of those timers were the waiting events'. The users' status timers (at_risk, dormant,
 * churned, found even if the user sends nothing more) stay timers: there is one per user, and
 * they belong in RocksDB with the users.
 *
 * <p>Order within a watermark: Flink fires the timers up to it, then the due heap events are
 * released, key by key in the order of their earliest event, each through the function's
 * {@code onTimer} at that instant as a timer there would have been; then the timers those armed up
 * to the watermark fire (and so on, while events are released); then the watermark goes
 * downstream, after everything it released. A user whose status timer fired first had their due
 * heap events applied by it already: whichever of a user's firings comes first applies everything
 * the watermark has passed, each status change at its own instant with its own row.
 *
 * <p>In BATCH mode Flink fires a key's timers when the key's sorted input ends, with no watermark
 * before the end of all input, and keeps only the current key's state: there the function arms a
 * timer at each user's earliest waiting event, as it does under Flink's own operator. (Flink's
 * interruptible timers, an option for unaligned checkpoints the jobs do not set, would be bypassed
 * by this operator's watermark handling.)
 */
public final class UserRetentionOperator
        extends CoBroadcastWithKeyedOperator<String, PulseEvent, JobControl, UserRetentionRow> {
    private static final long serialVersionUID = 1L;

    private transient boolean releasesAtWatermarks;

    public UserRetentionOperator(UserRetentionFunction function) {
        super(function, List.of(JobControl.DESCRIPTOR));
    }

    @Override
    public void open() throws Exception {
        super.open();
        releasesAtWatermarks = !(getTimeServiceManager().orElse(null) instanceof BatchExecutionInternalTimeServiceManager);
        if (releasesAtWatermarks) {
            ((UserRetentionFunction) userFunction).releaseHeldOnHeapAtWatermarks();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (!releasesAtWatermarks) {
            super.processWatermark(mark);
            return;
        }
        UserRetentionFunction function = (UserRetentionFunction) userFunction;
        timeServiceManager.advanceWatermark(mark);
        while (function.releaseDueOnHeap(mark.getTimestamp(), this::fire)) {
            // The events applied just now armed status timers, some already passed by this
            // watermark (a user silent since: new -> active -> at_risk within one step). A timer
            // registered while the watermark advances fires in that advance; these were registered
            // after it, so the watermark is advanced once more (to the same instant) to fire them.
            // A round consumes the entries of the users it hands over, and new ones come only from
            // events released, so the rounds end.
            timeServiceManager.advanceWatermark(mark);
        }
        output.emitWatermark(mark);
    }

    /** Runs the function's {@code onTimer} for the user at {@code instant}, as a timer there would. */
    private void fire(String userId, long instant) throws Exception {
        setCurrentKey(userId);
        onEventTime(new TimerHeapInternalTimer<>(instant, userId, VoidNamespace.INSTANCE));
    }
}
