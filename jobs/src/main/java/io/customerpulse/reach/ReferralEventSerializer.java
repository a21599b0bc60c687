package io.customerpulse.reach;

import io.customerpulse.events.PulseEventSerializer;
import io.customerpulse.serialization.LayoutSnapshot;
import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * {@link ReferralEvent}: every event crosses the network to the referral timeline in it, and waits
 * in the user's state in it until the watermark passes.
 */
public final class ReferralEventSerializer extends RecordSerializer<ReferralEvent> {
    private static final long serialVersionUID = 1L;

    public static final ReferralEventSerializer INSTANCE = new ReferralEventSerializer();

    /** Stored codes of the share statuses: append only. */
    static final ShareStatus[] STATUS_CODES = {ShareStatus.NONE, ShareStatus.OWN_SHARE, ShareStatus.TOUCH,
        ShareStatus.SELF_TOUCH, ShareStatus.UNKNOWN_SHARE, ShareStatus.PENDING, ShareStatus.CONFLICTING_SHARE};

    // Bits of the leading flags byte.
    private static final int HAS_EVENT = 1;
    private static final int VERDICT = 2;
    private static final int HAS_SHARE = 4;

    @Override
    protected ReferralEvent newRecord() {
        return new ReferralEvent();
    }

    /** The share's owner, day and channel only when there are any (most events carry no share). */
    @Override
    public void serialize(ReferralEvent r, DataOutputView out) throws IOException {
        boolean hasShare = r.shareOwner != null || r.shareDay != 0 || r.shareChannel != null;
        out.writeByte((r.event != null ? HAS_EVENT : 0) | (r.verdict ? VERDICT : 0) | (hasShare ? HAS_SHARE : 0));
        writeEnum(r.status, STATUS_CODES, out);
        if (r.event != null) {
            PulseEventSerializer.INSTANCE.serialize(r.event, out);
        }
        if (hasShare) {
            writeString(r.shareOwner, out);
            writeVarLong(r.shareDay, out);
            writeString(r.shareChannel, out);
        }
    }

    @Override
    public ReferralEvent deserialize(DataInputView in) throws IOException {
        ReferralEvent r = new ReferralEvent();
        int flags = in.readUnsignedByte();
        r.verdict = (flags & VERDICT) != 0;
        r.status = readEnum(STATUS_CODES, in);
        if ((flags & HAS_EVENT) != 0) {
            r.event = PulseEventSerializer.INSTANCE.deserialize(in);
        }
        if ((flags & HAS_SHARE) != 0) {
            r.shareOwner = readString(in);
            r.shareDay = (int) readVarLong(in);
            r.shareChannel = readString(in);
        }
        return r;
    }

    /** The layout of {@link #serialize}, copied field by field without decoding a string. */
    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int flags = in.readUnsignedByte();
        out.writeByte(flags);
        out.writeByte(in.readByte()); // status
        if ((flags & HAS_EVENT) != 0) {
            PulseEventSerializer.INSTANCE.copy(in, out);
        }
        if ((flags & HAS_SHARE) != 0) {
            copyString(in, out); // shareOwner
            copyVarLong(in, out); // shareDay
            copyString(in, out); // shareChannel
        }
    }

    @Override
    public ReferralEvent copy(ReferralEvent from) {
        ReferralEvent r = new ReferralEvent();
        r.event = from.event == null ? null : PulseEventSerializer.INSTANCE.copy(from.event);
        r.status = from.status;
        r.shareOwner = from.shareOwner;
        r.shareDay = from.shareDay;
        r.shareChannel = from.shareChannel;
        r.verdict = from.verdict;
        return r;
    }

    @Override
    public TypeSerializerSnapshot<ReferralEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Layout 4, the first: the layout above. Before it the reach job's events and their state went
     * through Flink's PojoSerializer, whose savepoints this serializer refuses.
     */
    public static final class Snapshot extends LayoutSnapshot<ReferralEvent> {
        public Snapshot() {
            super(() -> INSTANCE, 4);
        }
    }

    /** Named by {@code @TypeInfo} on {@link ReferralEvent}. */
    public static final class Factory extends RecordTypeInfo.Factory<ReferralEvent> {
        public Factory() {
            super(ReferralEvent.class, INSTANCE);
        }
    }
}
