package io.customerpulse.flink;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

import java.util.function.Predicate;

/** Which keys a parallel instance of a keyed operator owns, as Flink assigns them. */
public final class KeyGroups {
    private KeyGroups() {}

    /**
     * Whether a key falls into the key groups of this instance: for operator state a function
     * keeps per key, restored as a union (every instance reads every instance's entries).
     */
    public static Predicate<Object> ownedBy(TaskInfo task) {
        int maxParallelism = task.getMaxNumberOfParallelSubtasks();
        KeyGroupRange owned = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                maxParallelism, task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
        return key -> owned.contains(KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism));
    }
}
