package io.customerpulse.flink;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

/**
 * An operator's view of the {@link JobControl} broadcast: the current control, cached, and read
 * back from broadcast state after a restore.
 */
public final class ControlledClock {
    private JobControl current;

    /** From {@code processBroadcastElement}: merges and stores the new control. */
    public JobControl update(JobControl incoming, BroadcastState<String, JobControl> state) throws Exception {
        JobControl stored = state.get(JobControl.KEY);
        current = stored == null ? incoming : stored.mergedWith(incoming);
        state.put(JobControl.KEY, current);
        return current;
    }

    /** The control in force (a default one, without end or model, if none was broadcast). */
    public JobControl current(ReadOnlyBroadcastState<String, JobControl> state) throws Exception {
        if (current == null) {
            JobControl stored = state.get(JobControl.KEY);
            current = stored == null ? new JobControl() : stored;
        }
        return current;
    }

    /** Whether an event or timer at {@code t} lies beyond the end of the clock. */
    public boolean isBeyondEnd(long t, ReadOnlyBroadcastState<String, JobControl> state) throws Exception {
        return t > current(state).clockEnd;
    }
}
