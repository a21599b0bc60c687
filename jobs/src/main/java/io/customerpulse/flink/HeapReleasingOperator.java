package io.customerpulse.flink;

import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionInternalTimeServiceManager;
import org.apache.flink.streaming.api.watermark.Watermark;

import java.util.List;

/**
 * Flink's keyed broadcast operator for a function whose waiting events are on the heap
 * ({@link PendingEvents}), which in STREAMING mode also releases them at each watermark, so they
 * need no event-time timer each.
 *
 * <p>Why: on RocksDB an event-time timer is a write when it is registered and a delete when it
 * fires, and the timer queue reads RocksDB again to refill its cache. async-profiler on
 * {@code retention_live} put the timer queue at about a third of the timeline thread's samples,
 * and most of those timers were the waiting events'.
 *
 * <p>Order within a watermark: Flink fires the timers up to it, then the due heap events are
 * released, key by key in the order of their earliest event, each through the function's
 * {@code onTimer} at that instant as a timer there would have been; then the timers those armed up
 * to the watermark fire (and so on, while events are released); then the watermark goes
 * downstream, after everything it released. Whichever of a key's firings comes first applies
 * everything the watermark has passed.
 *
 * <p>In BATCH mode Flink fires a key's timers when the key's sorted input ends, with no watermark
 * before the end of all input, and keeps only the current key's state: there the function arms a
 * timer at each key's earliest waiting event, as it does under Flink's own operator. (Flink's
 * interruptible timers, an option for unaligned checkpoints the jobs do not set, would be bypassed
 * by this operator's watermark handling.)
 */
public class HeapReleasingOperator<IN, OUT> extends CoBroadcastWithKeyedOperator<String, IN, JobControl, OUT> {
    private static final long serialVersionUID = 1L;

    /** What the operator needs of its function. */
    public interface Releasing {
        /**
         * The function's events waiting on the heap (restored by the time the operator opens):
         * the operator has them tracked in due order and releases them through the function's
         * {@code onTimer}, as a timer at each key's earliest would.
         */
        PendingEvents<?> eventsOnHeap();
    }

    private transient boolean releasesAtWatermarks;

    public <F extends KeyedBroadcastProcessFunction<String, IN, JobControl, OUT> & Releasing> HeapReleasingOperator(
            F function) {
        super(function, List.of(JobControl.DESCRIPTOR));
    }

    @Override
    public void open() throws Exception {
        super.open();
        releasesAtWatermarks = !(getTimeServiceManager().orElse(null) instanceof BatchExecutionInternalTimeServiceManager);
        if (releasesAtWatermarks) {
            ((Releasing) userFunction).eventsOnHeap().trackDueOrder();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (!releasesAtWatermarks) {
            super.processWatermark(mark);
            return;
        }
        PendingEvents<?> eventsOnHeap = ((Releasing) userFunction).eventsOnHeap();
        timeServiceManager.advanceWatermark(mark);
        while (eventsOnHeap.releaseDue(mark.getTimestamp(), this::fire)) {
            // The events applied just now armed timers, some already passed by this watermark (a
            // user silent since: new -> active -> at_risk within one step). A timer registered
            // while the watermark advances fires in that advance; these were registered after it,
            // so the watermark is advanced once more (to the same instant) to fire them. A round
            // consumes the entries of the keys it hands over, and new ones come only from events
            // released, so the rounds end.
            timeServiceManager.advanceWatermark(mark);
        }
        output.emitWatermark(mark);
    }

    /** Runs the function's {@code onTimer} for the key at {@code instant}, as a timer there would. */
    private void fire(String key, long instant) throws Exception {
        setCurrentKey(key);
        onEventTime(new TimerHeapInternalTimer<>(instant, key, VoidNamespace.INSTANCE));
    }
}
