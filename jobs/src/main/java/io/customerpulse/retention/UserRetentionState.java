package io.customerpulse.retention;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.CountedIdList;
import io.customerpulse.flink.HeldEventList;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Everything the retention job keeps per user (one RocksDB value). Constant size but for the ids
 * within the dedup horizon: the rhythm and the lifetimes inputs need only first/last day and a
 * count, because events are applied in event-time order.
 */
@TypeInfo(UserRetentionStateSerializer.Factory.class)
public class UserRetentionState {
    /** Current status; null before the first event. */
    public RetentionStatus status;
    /** Instant up to which status changes have been applied. */
    public long clock;

    public long firstSeenAt;
    public long lastActiveAt;
    public String acquisitionChannel;
    /** When the user came back from dormant or churned, or {@link RetentionRules#NONE}. */
    public long resurrectedAt = RetentionRules.NONE;

    /** Distinct active days and the first and last of them (epoch days in the configured zone). */
    public int activeDays;
    public int firstActiveDay;
    public int lastActiveDay;

    public long clicks;
    public long shares;
    public long purchases;
    public long revenueMinor;

    /** Distinct purchase days and the first and last of them. */
    public int purchaseDays;
    public int firstPurchaseDay;
    public int lastPurchaseDay;

    /** activity_score at {@link #lastActiveAt}. */
    public double score;

    /** Bookkeeping of the operator: the registered status-change timer, or NEVER. */
    public long statusTimer = RetentionRules.NEVER;
    /**
     * Bookkeeping of the operator: the ids of the user's counted events within the dedup horizon,
     * forgotten as the user's clock moves past it.
     */
    public CountedIdList countedIds = new CountedIdList();
    /**
     * Bookkeeping of the operator: when the counted ids, spilled to a MapState of their own (too
     * many to carry in this value), are next swept; NEVER while they are in {@link #countedIds}.
     */
    public long spilledIdsSweepAt = RetentionRules.NEVER;
    /**
     * Bookkeeping of the operator: the user's events not yet applied (ahead of the watermark), in
     * arrival order.
     */
    public HeldEventList<PulseEvent> held = new HeldEventList<>();
    /**
     * Bookkeeping of the operator: a registered timer at or before the earliest held event, or
     * NEVER when nothing is held.
     */
    public long heldTimer = RetentionRules.NEVER;
    /**
     * Bookkeeping of the operator: the user's held events are in a MapState of their own (too many
     * waited at once to carry them in this value), and {@link #held} is empty.
     */
    public boolean heldSpilled;

    public UserRetentionState() {}

    /** Whether the counted ids are in a MapState of their own rather than in {@link #countedIds}. */
    public boolean countedIdsSpilled() {
        return spilledIdsSweepAt != RetentionRules.NEVER;
    }

    /** Whether no event has been applied yet (events may be held). */
    public boolean isEmpty() {
        return status == null;
    }
}
