package io.customerpulse.retention;

import io.customerpulse.events.PulseEventSerializer;
import io.customerpulse.serialization.LayoutSnapshot;
import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** {@link UserRetentionState}, read and written by the retention operator at every step of a user. */
public final class UserRetentionStateSerializer extends RecordSerializer<UserRetentionState> {
    private static final long serialVersionUID = 1L;

    public static final UserRetentionStateSerializer INSTANCE = new UserRetentionStateSerializer();

    /** Stored codes of the statuses: append only. */
    static final RetentionStatus[] STATUS_CODES = {RetentionStatus.NEW, RetentionStatus.ACTIVE, RetentionStatus.AT_RISK,
        RetentionStatus.DORMANT, RetentionStatus.CHURNED, RetentionStatus.RESURRECTED};

    @Override
    protected UserRetentionState newRecord() {
        return new UserRetentionState();
    }

    // Bits of the leading flags byte: which of the optional instants follow.
    private static final int HAS_RESURRECTED_AT = 1;
    private static final int HAS_STATUS_TIMER = 2;
    private static final int HAS_COUNTED_IDS = 4;
    private static final int HAS_HELD_EVENTS = 8;
    private static final int HAS_HELD_TIMER = 16;
    private static final int HELD_SPILLED = 32;
    private static final int IDS_SPILLED = 64;

    /**
     * Compact, because RocksDB holds one per user: instants other than the first are written
     * relative to it, counts and days as variable-length numbers, the usual "none"/"never" of the
     * optional instants as a flag bit (about 60 bytes for a typical user instead of 125, plus
     * about 15 per counted id, and the events held until the watermark passes them).
     */
    @Override
    public void serialize(UserRetentionState s, DataOutputView out) throws IOException {
        int flags = (s.resurrectedAt != RetentionRules.NONE ? HAS_RESURRECTED_AT : 0)
                | (s.statusTimer != RetentionRules.NEVER ? HAS_STATUS_TIMER : 0)
                | (s.countedIds.size() > 0 ? HAS_COUNTED_IDS : 0)
                | (!s.held.isEmpty() ? HAS_HELD_EVENTS : 0)
                | (s.heldTimer != RetentionRules.NEVER ? HAS_HELD_TIMER : 0)
                | (s.heldSpilled ? HELD_SPILLED : 0)
                | (s.countedIdsSpilled() ? IDS_SPILLED : 0);
        out.writeByte(flags);
        writeEnum(s.status, STATUS_CODES, out);
        long base = s.firstSeenAt;
        out.writeLong(base);
        writeVarLong(s.clock - base, out);
        writeVarLong(s.lastActiveAt - base, out);
        writeString(s.acquisitionChannel, out);
        if ((flags & HAS_RESURRECTED_AT) != 0) {
            writeVarLong(s.resurrectedAt - base, out);
        }
        writeVarLong(s.activeDays, out);
        writeVarLong(s.firstActiveDay, out);
        writeVarLong((long) s.lastActiveDay - s.firstActiveDay, out);
        writeVarLong(s.clicks, out);
        writeVarLong(s.shares, out);
        writeVarLong(s.purchases, out);
        writeVarLong(s.revenueMinor, out);
        writeVarLong(s.purchaseDays, out);
        writeVarLong(s.firstPurchaseDay, out);
        writeVarLong((long) s.lastPurchaseDay - s.firstPurchaseDay, out);
        out.writeDouble(s.score);
        if ((flags & HAS_STATUS_TIMER) != 0) {
            writeVarLong(s.statusTimer - base, out);
        }
        if ((flags & HAS_COUNTED_IDS) != 0) {
            writeVarLong(s.countedIds.size(), out);
            for (int i = 0; i < s.countedIds.size(); i++) {
                writeString(s.countedIds.id(i), out);
                writeVarLong(s.countedIds.countedAt(i) - base, out);
            }
        }
        if ((flags & HAS_HELD_EVENTS) != 0) {
            writeHeld(s.held, PulseEventSerializer.INSTANCE, out);
        }
        if ((flags & HAS_HELD_TIMER) != 0) {
            writeVarLong(s.heldTimer - base, out);
        }
        if ((flags & IDS_SPILLED) != 0) {
            writeVarLong(s.spilledIdsSweepAt - base, out);
        }
    }

    @Override
    public UserRetentionState deserialize(DataInputView in) throws IOException {
        UserRetentionState s = new UserRetentionState();
        int flags = in.readUnsignedByte();
        s.status = readEnum(STATUS_CODES, in);
        long base = in.readLong();
        s.firstSeenAt = base;
        s.clock = base + readVarLong(in);
        s.lastActiveAt = base + readVarLong(in);
        s.acquisitionChannel = readString(in);
        s.resurrectedAt = (flags & HAS_RESURRECTED_AT) != 0 ? base + readVarLong(in) : RetentionRules.NONE;
        s.activeDays = (int) readVarLong(in);
        s.firstActiveDay = (int) readVarLong(in);
        s.lastActiveDay = (int) (s.firstActiveDay + readVarLong(in));
        s.clicks = readVarLong(in);
        s.shares = readVarLong(in);
        s.purchases = readVarLong(in);
        s.revenueMinor = readVarLong(in);
        s.purchaseDays = (int) readVarLong(in);
        s.firstPurchaseDay = (int) readVarLong(in);
        s.lastPurchaseDay = (int) (s.firstPurchaseDay + readVarLong(in));
        s.score = in.readDouble();
        s.statusTimer = (flags & HAS_STATUS_TIMER) != 0 ? base + readVarLong(in) : RetentionRules.NEVER;
        if ((flags & HAS_COUNTED_IDS) != 0) {
            for (long i = readVarLong(in); i > 0; i--) {
                s.countedIds.remember(readString(in), base + readVarLong(in));
            }
        }
        if ((flags & HAS_HELD_EVENTS) != 0) {
            readHeld(in, PulseEventSerializer.INSTANCE, s.held);
        }
        s.heldTimer = (flags & HAS_HELD_TIMER) != 0 ? base + readVarLong(in) : RetentionRules.NEVER;
        s.heldSpilled = (flags & HELD_SPILLED) != 0;
        s.spilledIdsSweepAt = (flags & IDS_SPILLED) != 0 ? base + readVarLong(in) : RetentionRules.NEVER;
        return s;
    }

    @Override
    public UserRetentionState copy(UserRetentionState from) {
        UserRetentionState s = new UserRetentionState();
        s.status = from.status;
        s.clock = from.clock;
        s.firstSeenAt = from.firstSeenAt;
        s.lastActiveAt = from.lastActiveAt;
        s.acquisitionChannel = from.acquisitionChannel;
        s.resurrectedAt = from.resurrectedAt;
        s.activeDays = from.activeDays;
        s.firstActiveDay = from.firstActiveDay;
        s.lastActiveDay = from.lastActiveDay;
        s.clicks = from.clicks;
        s.shares = from.shares;
        s.purchases = from.purchases;
        s.revenueMinor = from.revenueMinor;
        s.purchaseDays = from.purchaseDays;
        s.firstPurchaseDay = from.firstPurchaseDay;
        s.lastPurchaseDay = from.lastPurchaseDay;
        s.score = from.score;
        s.statusTimer = from.statusTimer;
        s.countedIds = from.countedIds.copy();
        s.held = from.held.copy();
        s.heldTimer = from.heldTimer;
        s.heldSpilled = from.heldSpilled;
        s.spilledIdsSweepAt = from.spilledIdsSweepAt;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<UserRetentionState> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Layout 6: the layout above, with the held events, their timer, and whether they or the
     * counted ids spilled. Layout 3 was the first
     * compact layout, with a dedup sweep time where the counted ids now are; layout 4 wrote
     * strings as Flink's StringValue; layout 5 had no held events (they were a MapState of their
     * own, which this version no longer reads, so its savepoints are refused rather than restored
     * without the events they held).
     */
    public static final class Snapshot extends LayoutSnapshot<UserRetentionState> {
        public Snapshot() {
            super(() -> INSTANCE, 6);
        }
    }

    /** Named by {@code @TypeInfo} on {@link UserRetentionState}. */
    public static final class Factory extends RecordTypeInfo.Factory<UserRetentionState> {
        public Factory() {
            super(UserRetentionState.class, INSTANCE);
        }
    }
}
