package io.customerpulse.retention;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.time.Instant;
import java.util.Objects;

/** One row of retention_transitions: the user's status changed at {@link #transitionAt}. */
@TypeInfo(StatusTransitionSerializer.Factory.class)
public class StatusTransition {
    public String userId;
    /** Null for the user's first status. */
    public String fromStatus;
    public String toStatus;
    /** The exact event-time instant the threshold was crossed or the event happened (epoch ms). */
    public long transitionAt;

    public StatusTransition() {}

    public StatusTransition(String userId, RetentionStatus from, RetentionStatus to, long transitionAt) {
        this.userId = userId;
        this.fromStatus = from == null ? null : from.word();
        this.toStatus = to.word();
        this.transitionAt = transitionAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusTransition t
                && transitionAt == t.transitionAt
                && Objects.equals(userId, t.userId)
                && Objects.equals(fromStatus, t.fromStatus)
                && Objects.equals(toStatus, t.toStatus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, fromStatus, toStatus, transitionAt);
    }

    @Override
    public String toString() {
        return userId + ": " + fromStatus + " -> " + toStatus + " at " + Instant.ofEpochMilli(transitionAt);
    }
}
