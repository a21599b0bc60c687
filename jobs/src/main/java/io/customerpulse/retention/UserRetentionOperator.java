package io.customerpulse.retention;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.HeapReleasingOperator;

/**
 * The user timeline's operator: Flink's keyed broadcast operator for {@link UserRetentionFunction},
 * which in STREAMING mode also releases the events waiting on the heap at each watermark
 * ({@link HeapReleasingOperator} says how and why). The users' status timers (at_risk, dormant,
 * churned, found even if the user sends nothing more) stay timers: there is one per user, and
 * they belong in RocksDB with the users. A user whose status timer fired first had their due heap
 * events applied by it already, each status change at its own instant with its own row.
 */
public final class UserRetentionOperator extends HeapReleasingOperator<PulseEvent, UserRetentionRow> {
    private static final long serialVersionUID = 1L;

    public UserRetentionOperator(UserRetentionFunction function) {
        super(function);
    }
}
