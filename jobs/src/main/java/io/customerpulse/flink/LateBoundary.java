package io.customerpulse.flink;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.TimerService;

import java.util.List;

/**
 * Decides whether an arriving event is late: behind the event-time clock. Watermarks are not
 * checkpointed, so after a restore the clock would start from nothing and accept events that
 * were late before the failure; this keeps the watermark of the last checkpoint (the smallest of
 * all subtasks', safe for any key after rescaling) as a floor.
 *
 * <p>The owning function implements {@code CheckpointedFunction} and delegates to
 * {@link #initialize} and {@link #snapshot}.
 */
public final class LateBoundary {
    private ListState<Long> checkpointed;
    private long restored = Long.MIN_VALUE;
    /** The operator's timer service, kept to read the watermark when a checkpoint is taken. */
    private TimerService timers;

    public void initialize(FunctionInitializationContext context, String name) throws Exception {
        checkpointed = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(name, Types.LONG));
        restored = Long.MIN_VALUE;
        if (context.isRestored()) {
            long min = Long.MAX_VALUE;
            for (Long w : checkpointed.get()) {
                min = Math.min(min, w);
            }
            restored = min == Long.MAX_VALUE ? Long.MIN_VALUE : min;
        }
    }

    public void snapshot() throws Exception {
        long current = timers == null ? Long.MIN_VALUE : timers.currentWatermark();
        checkpointed.update(List.of(Math.max(current, restored)));
    }

    /** The instant before which an arriving event is late. */
    public long boundary(TimerService timers) {
        this.timers = timers;
        return Math.max(timers.currentWatermark(), restored);
    }

    /** Lets a snapshot read the watermark even if no event arrived since the restore. */
    public void observe(TimerService timers) {
        this.timers = timers;
    }
}
