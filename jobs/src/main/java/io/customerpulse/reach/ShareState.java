package io.customerpulse.reach;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.CountedIdList;
import io.customerpulse.flink.HeldEventList;
import io.customerpulse.flink.SpillableCountedIds;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the job knows of one share_id: its owner, fixed by the first share event; and the share
 * resolver's bookkeeping of the events carrying it (serialized by {@link ShareStateSerializer}).
 */
@TypeInfo(ShareStateSerializer.Factory.class)
public class ShareState {
    /** The instant a timer of the share is not armed for. */
    public static final long NEVER = Long.MAX_VALUE;

    /** Null until a share event for the id has been seen. */
    public String owner;
    /** Event time of the share event that fixed the owner. */
    public long createdAt;
    /** Calendar day (epoch day, configured zone) and channel of that share event. */
    public int day;
    public String channel;

    /** Bookkeeping of the operator: the event ids counted within the dedup horizon, while few. */
    public CountedIdList countedIds = new CountedIdList();
    /**
     * Bookkeeping of the operator: when the counted ids, spilled to a MapState of their own, are
     * next swept; {@link SpillableCountedIds#IN_VALUE} while they are in {@link #countedIds}.
     */
    public long spilledIdsSweepAt = SpillableCountedIds.IN_VALUE;
    /** Bookkeeping of the operator: a timer armed to forget the counted ids, or {@link #NEVER}. */
    public long idsTimer = NEVER;
    /** Bookkeeping of the operator: events held until the watermark passes them, while few. */
    public HeldEventList<PulseEvent> held = new HeldEventList<>();
    /**
     * Bookkeeping of the operator: the held events are in a MapState of their own (too many waited
     * at once to carry them in this value), and {@link #held} is empty.
     */
    public boolean heldSpilled;

    public ShareState() {}

    public boolean isKnown() {
        return owner != null;
    }
}
