package io.customerpulse.reach;

import io.customerpulse.events.PulseEventSerializer;
import io.customerpulse.flink.SpillableCountedIds;
import io.customerpulse.serialization.LayoutSnapshot;
import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** {@link ShareState}, read and written by the share resolver at every step of a share_id. */
public final class ShareStateSerializer extends RecordSerializer<ShareState> {
    private static final long serialVersionUID = 1L;

    public static final ShareStateSerializer INSTANCE = new ShareStateSerializer();

    // Bits of the leading flags byte: which of the optional fields follow.
    private static final int HAS_COUNTED_IDS = 1;
    private static final int IDS_SPILLED = 1 << 1;
    private static final int HAS_IDS_TIMER = 1 << 2;
    private static final int HAS_HELD_EVENTS = 1 << 3;
    private static final int HELD_SPILLED = 1 << 4;

    @Override
    protected ShareState newRecord() {
        return new ShareState();
    }

    /** The owner's fields, then only the bookkeeping that is not at its default (counted ids' instants relative to the first). */
    @Override
    public void serialize(ShareState s, DataOutputView out) throws IOException {
        int flags = (s.countedIds.size() > 0 ? HAS_COUNTED_IDS : 0)
                | (s.spilledIdsSweepAt != SpillableCountedIds.IN_VALUE ? IDS_SPILLED : 0)
                | (s.idsTimer != ShareState.NEVER ? HAS_IDS_TIMER : 0)
                | (!s.held.isEmpty() ? HAS_HELD_EVENTS : 0)
                | (s.heldSpilled ? HELD_SPILLED : 0);
        out.writeByte(flags);
        writeString(s.owner, out);
        out.writeLong(s.createdAt);
        out.writeInt(s.day);
        writeString(s.channel, out);
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
            writeHeld(s.held, PulseEventSerializer.INSTANCE, out);
        }
    }

    @Override
    public ShareState deserialize(DataInputView in) throws IOException {
        ShareState s = new ShareState();
        int flags = in.readUnsignedByte();
        s.heldSpilled = (flags & HELD_SPILLED) != 0;
        s.owner = readString(in);
        s.createdAt = in.readLong();
        s.day = in.readInt();
        s.channel = readString(in);
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
            readHeld(in, PulseEventSerializer.INSTANCE, s.held);
        }
        return s;
    }

    @Override
    public ShareState copy(ShareState from) {
        ShareState s = new ShareState();
        s.owner = from.owner;
        s.createdAt = from.createdAt;
        s.day = from.day;
        s.channel = from.channel;
        s.countedIds = from.countedIds.copy();
        s.spilledIdsSweepAt = from.spilledIdsSweepAt;
        s.idsTimer = from.idsTimer;
        s.held = from.held.copy();
        s.heldSpilled = from.heldSpilled;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<ShareState> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Layout 4, the first: the layout above. Before it the share's state went through Flink's
     * PojoSerializer, and its held events and counted ids were MapStates of their own, which this
     * version no longer reads: such savepoints are refused rather than restored without them.
     */
    public static final class Snapshot extends LayoutSnapshot<ShareState> {
        public Snapshot() {
            super(() -> INSTANCE, 4);
        }
    }

    /** Named by {@code @TypeInfo} on {@link ShareState}. */
    public static final class Factory extends RecordTypeInfo.Factory<ShareState> {
        public Factory() {
            super(ShareState.class, INSTANCE);
        }
    }
}
