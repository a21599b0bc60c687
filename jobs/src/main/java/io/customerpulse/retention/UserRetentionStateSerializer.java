package io.customerpulse.retention;

import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

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

    @Override
    public void serialize(UserRetentionState s, DataOutputView out) throws IOException {
        writeEnum(s.status, STATUS_CODES, out);
        out.writeLong(s.clock);
        out.writeLong(s.firstSeenAt);
        out.writeLong(s.lastActiveAt);
        writeString(s.acquisitionChannel, out);
        out.writeLong(s.resurrectedAt);
        out.writeInt(s.activeDays);
        out.writeInt(s.firstActiveDay);
        out.writeInt(s.lastActiveDay);
        out.writeLong(s.clicks);
        out.writeLong(s.shares);
        out.writeLong(s.purchases);
        out.writeLong(s.revenueMinor);
        out.writeInt(s.purchaseDays);
        out.writeInt(s.firstPurchaseDay);
        out.writeInt(s.lastPurchaseDay);
        out.writeDouble(s.score);
        out.writeLong(s.statusTimer);
        out.writeLong(s.dedupSweepAt);
    }

    @Override
    public UserRetentionState deserialize(DataInputView in) throws IOException {
        UserRetentionState s = new UserRetentionState();
        s.status = readEnum(STATUS_CODES, in);
        s.clock = in.readLong();
        s.firstSeenAt = in.readLong();
        s.lastActiveAt = in.readLong();
        s.acquisitionChannel = readString(in);
        s.resurrectedAt = in.readLong();
        s.activeDays = in.readInt();
        s.firstActiveDay = in.readInt();
        s.lastActiveDay = in.readInt();
        s.clicks = in.readLong();
        s.shares = in.readLong();
        s.purchases = in.readLong();
        s.revenueMinor = in.readLong();
        s.purchaseDays = in.readInt();
        s.firstPurchaseDay = in.readInt();
        s.lastPurchaseDay = in.readInt();
        s.score = in.readDouble();
        s.statusTimer = in.readLong();
        s.dedupSweepAt = in.readLong();
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
        s.dedupSweepAt = from.dedupSweepAt;
        return s;
    }

    @Override
    public TypeSerializerSnapshot<UserRetentionState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Layout 1 (the fields in the order above). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserRetentionState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Named by {@code @TypeInfo} on {@link UserRetentionState}. */
    public static final class Factory extends TypeInfoFactory<UserRetentionState> {
        @Override
        public TypeInformation<UserRetentionState> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RecordTypeInfo<>(UserRetentionState.class, INSTANCE);
        }
    }
}
