package io.customerpulse.reach;

import io.customerpulse.flink.CountedIdList;
import io.customerpulse.flink.HeldEventList;
import io.customerpulse.flink.SpillableCountedIds;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Per user, what word of mouth needs to remember, and the operator's bookkeeping of the user's
 * events on their way (serialized by {@link ReferralStateSerializer}).
 */
@TypeInfo(ReferralStateSerializer.Factory.class)
public class ReferralState {
    /** The instant a timer of the user is not armed for. */
    public static final long NEVER = Long.MAX_VALUE;
    /** {@link #pendingSince} while the timeline waits for no share. */
    public static final long NOT_BLOCKED = Long.MIN_VALUE;

    /** Whether the user's first event has been seen (and the acquisition decided). */
    public boolean started;
    /** Who acquired this user; null if organic. */
    public String acquirer;
    /** The latest touch (event time and share owner), for attributing later purchases. */
    public long lastTouchAt;
    public String lastTouchOwner;
    /** The newest day this user shared on, and the channels they shared through that day. */
    public int lastShareDay = Integer.MIN_VALUE;
    public List<String> lastShareDayChannels = new ArrayList<>();

    /**
     * Bookkeeping of the operator: the instant of the held event whose share is pending, at which
     * the user's timeline waits for its verdict; {@link #NOT_BLOCKED} otherwise.
     */
    public long pendingSince = NOT_BLOCKED;
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
    public HeldEventList<ReferralEvent> held = new HeldEventList<>();
    /** Bookkeeping of the operator: a timer armed at or before the earliest event in {@link #held}, or {@link #NEVER}. */
    public long heldTimer = NEVER;
    /**
     * Bookkeeping of the operator: the user's held events are in a MapState of their own (too many
     * waited at once to carry them in this value), and {@link #held} is empty.
     */
    public boolean heldSpilled;

    public boolean isBlocked() {
        return pendingSince != NOT_BLOCKED;
    }

    public ReferralState() {}
}
