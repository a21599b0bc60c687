package io.customerpulse.reach;

import io.customerpulse.flink.SpillableCountedIds;
import io.customerpulse.serialization.LayoutSnapshot;
import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** {@link ReferralState}, read and written by the referral timeline at every step of a user. */
public final class ReferralStateSerializer extends RecordSerializer<ReferralState> {
    private static final long serialVersionUID = 1L;

    public static final ReferralStateSerializer INSTANCE = new ReferralStateSerializer();

    // Bits of the leading flags: which of the optional fields follow.
    private static final int STARTED = 1;
    private static final int HAS_ACQUIRER = 1 << 1;
    private static final int HAS_TOUCH = 1 << 2;
    private static final int HAS_SHARE_DAY = 1 << 3;
    private static final int BLOCKED = 1 << 4;
    private static final int HAS_COUNTED_IDS = 1 << 5;
    private static final int IDS_SPILLED = 1 << 6;
    private static final int HAS_IDS_TIMER = 1 << 7;
    private static final int HAS_HELD_EVENTS = 1 << 8;
    private static final int HAS_HELD_TIMER = 1 << 9;
    private static final int HELD_SPILLED = 1 << 10;

    @Override
    protected ReferralState newRecord() {
        return new ReferralState();
    }

    /**
     * Compact, because RocksDB holds one per user: the flags say which fields are not at their
     * defaults, and only those follow; counted ids' instants are relative to the first one's.
     */
    @Override
    public void serialize(ReferralState s, DataOutputView out) throws IOException {
        int flags = (s.started ? STARTED : 0)
                | (s.acquirer != null ? HAS_ACQUIRER : 0)
                | (s.lastTouchAt != 0 || s.lastTouchOwner != null ? HAS_TOUCH : 0)
                | (s.lastShareDay != Integer.MIN_VALUE || !s.lastShareDayChannels.isEmpty() ? HAS_SHARE_DAY : 0)
                | (s.isBlocked() ? BLOCKED : 0)
                | (s.countedIds.size() > 0 ? HAS_COUNTED_IDS : 0)
                | (s.spilledIdsSweepAt != SpillableCountedIds.IN_VALUE ? IDS_SPILLED : 0)
                | (s.idsTimer != ReferralState.NEVER ? HAS_IDS_TIMER : 0)
                | (!s.held.isEmpty() ? HAS_HELD_EVENTS : 0)
                | (s.heldTimer != ReferralState.NEVER ? HAS_HELD_TIMER : 0)
                | (s.heldSpilled ? HELD_SPILLED : 0);
        writeVarLong(flags, out);
        if ((flags & HAS_ACQUIRER) != 0) {
            writeString(s.acquirer, out);
        }
        if ((flags & HAS_TOUCH) != 0) {
            out.writeLong(s.lastTouchAt);
            writeString(s.lastTouchOwner, out);
        }
        if ((flags & HAS_SHARE_DAY) != 0) {
            out.writeInt(s.lastShareDay);
            writeVarLong(s.lastShareDayChannels.size(), out);
            for (String channel : s.lastShareDayChannels) {
                writeString(channel, out);
            }
        }
        if ((flags & BLOCKED) != 0) {
            out.writeLong(s.pendingSince);
        }
        if ((flags & HAS_COUNTED_IDS) != 0) {
            writeCountedIds(s.countedIds, out);
        }
        if ((flags & IDS_SPILLED) != 0) {
            out.writeLong(s.spilledIdsSweepAt);
        }
        if ((flags & HAS_IDS_TIMER) != 0) {
            out.writeLong(s.idsTimer);
        }
        if ((flags & HAS_HELD_EVENTS) != 0) {
            writeHeld(s.held, ReferralEventSerializer.INSTANCE, out);
        }
        if ((flags & HAS_HELD_TIMER) != 0) {
            out.writeLong(s.heldTimer);
        }
    }

    @Override
    public ReferralState deserialize(DataInputView in) throws IOException {
        ReferralState s = new ReferralState();
        int flags = (int) readVarLong(in);
        s.started = (flags & STARTED) != 0;
        s.heldSpilled = (flags & HELD_SPILLED) != 0;
        if ((flags & HAS_ACQUIRER) != 0) {
            s.acquirer = readString(in);
        }
        if ((flags & HAS_TOUCH) != 0) {
            s.lastTouchAt = in.readLong();
            s.lastTouchOwner = readString(in);
        }
        if ((flags & HAS_SHARE_DAY) != 0) {
            s.lastShareDay = in.readInt();
            for (long i = readVarLong(in); i > 0; i--) {
                s.lastShareDayChannels.add(readString(in));
            }
        }
        if ((flags & BLOCKED) != 0) {
            s.pendingSince = in.readLong();
        }
        if ((flags & HAS_COUNTED_IDS) != 0) {
            readCountedIds(in, s.countedIds);
        }
        if ((flags & IDS_SPILLED) != 0) {
            s.spilledIdsSweepAt = in.readLong();
        }
        if ((flags & HAS_IDS_TIMER) != 0) {
            s.idsTimer = in.readLong();
        }
        if ((flags & HAS_HELD_EVENTS) != 0) {
            readHeld(in, ReferralEventSerializer.INSTANCE, s.held);
        }
        if ((flags & HAS_HELD_TIMER) != 0) {
            s.heldTimer = in.readLong();
        }
        return s;
    }

    @Override
    public ReferralState copy(ReferralState from) {
        ReferralState s = new ReferralState();
        s.started = from.started;
        s.acquirer = from.acquirer;
        s.lastTouchAt = from.lastTouchAt;
        s.lastTouchOwner = from.lastTouchOwner;
        s.lastShareDay = from.lastShareDay;
        s.lastShareDayChannels.addAll(from.lastShareDayChannels);
        s.pendingSince = from.pendingSince;
        s.countedIds = from.countedIds.copy();
        s.spilledIdsSweepAt = from.spilledIdsSweepAt;
        s.idsTimer = from.idsTimer;
        s.held = from.held.copy();
        s.heldTimer = from.heldTimer;
        s.heldSpilled = from.heldSpilled;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<ReferralState> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Layout 4, the first: the layout above. Before it the user's state went through Flink's
     * PojoSerializer, and the held events and counted ids were MapStates of their own, which this
     * version no longer reads: such savepoints are refused rather than restored without them.
     */
    public static final class Snapshot extends LayoutSnapshot<ReferralState> {
        public Snapshot() {
            super(() -> INSTANCE, 4);
        }
    }

    /** Named by {@code @TypeInfo} on {@link ReferralState}. */
    public static final class Factory extends RecordTypeInfo.Factory<ReferralState> {
        public Factory() {
            super(ReferralState.class, INSTANCE);
        }
    }
}
