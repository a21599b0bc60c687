package io.customerpulse.retention;

import io.customerpulse.serialization.LayoutSnapshot;
import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** {@link UserRetentionRow}: copied once per row by the JDBC sink, which buffers what it is given. */
public final class UserRetentionRowSerializer extends RecordSerializer<UserRetentionRow> {
    private static final long serialVersionUID = 1L;

    public static final UserRetentionRowSerializer INSTANCE = new UserRetentionRowSerializer();

    @Override
    protected UserRetentionRow newRecord() {
        return new UserRetentionRow();
    }

    @Override
    public void serialize(UserRetentionRow r, DataOutputView out) throws IOException {
        writeString(r.userId, out);
        writeString(r.status, out);
        out.writeDouble(r.activityScore);
        out.writeLong(r.firstSeenAt);
        out.writeLong(r.lastActiveAt);
        writeString(r.acquisitionChannel, out);
        out.writeLong(r.clicks);
        out.writeLong(r.shares);
        out.writeLong(r.purchases);
        out.writeLong(r.revenueMinor);
        writeNullableInt(r.frequency, out);
        writeNullableInt(r.recencyDays, out);
        writeNullableInt(r.ageDays, out);
        writeNullableDouble(r.pAlive, out);
        writeNullableDouble(r.expectedPurchases30d, out);
        out.writeDouble(r.riskAfterDays);
        out.writeLong(r.asOf);
    }

    @Override
    public UserRetentionRow deserialize(DataInputView in) throws IOException {
        UserRetentionRow r = new UserRetentionRow();
        r.userId = readString(in);
        r.status = readString(in);
        r.activityScore = in.readDouble();
        r.firstSeenAt = in.readLong();
        r.lastActiveAt = in.readLong();
        r.acquisitionChannel = readString(in);
        r.clicks = in.readLong();
        r.shares = in.readLong();
        r.purchases = in.readLong();
        r.revenueMinor = in.readLong();
        r.frequency = readNullableInt(in);
        r.recencyDays = readNullableInt(in);
        r.ageDays = readNullableInt(in);
        r.pAlive = readNullableDouble(in);
        r.expectedPurchases30d = readNullableDouble(in);
        r.riskAfterDays = in.readDouble();
        r.asOf = in.readLong();
        return r;
    }

    @Override
    public UserRetentionRow copy(UserRetentionRow from) {
        UserRetentionRow r = new UserRetentionRow();
        r.userId = from.userId;
        r.status = from.status;
        r.activityScore = from.activityScore;
        r.firstSeenAt = from.firstSeenAt;
        r.lastActiveAt = from.lastActiveAt;
        r.acquisitionChannel = from.acquisitionChannel;
        r.clicks = from.clicks;
        r.shares = from.shares;
        r.purchases = from.purchases;
        r.revenueMinor = from.revenueMinor;
        r.frequency = from.frequency;
        r.recencyDays = from.recencyDays;
        r.ageDays = from.ageDays;
        r.pAlive = from.pAlive;
        r.expectedPurchases30d = from.expectedPurchases30d;
        r.riskAfterDays = from.riskAfterDays;
        r.asOf = from.asOf;
        return r;
    }

    @Override
    public TypeSerializerSnapshot<UserRetentionRow> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Layout 4: the fields in the order above, strings as UTF-8 (layout 3 wrote them as Flink's StringValue). */
    public static final class Snapshot extends LayoutSnapshot<UserRetentionRow> {
        public Snapshot() {
            super(() -> INSTANCE, 4);
        }
    }

    /** Named by {@code @TypeInfo} on {@link UserRetentionRow}. */
    public static final class Factory extends RecordTypeInfo.Factory<UserRetentionRow> {
        public Factory() {
            super(UserRetentionRow.class, INSTANCE);
        }
    }
}
