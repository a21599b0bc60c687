package io.customerpulse.events;

import io.customerpulse.serialization.LayoutSnapshot;
import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** {@link PulseEvent} on the network and in state (held events): every event crosses it at least twice. */
public final class PulseEventSerializer extends RecordSerializer<PulseEvent> {
    private static final long serialVersionUID = 1L;

    public static final PulseEventSerializer INSTANCE = new PulseEventSerializer();

    /** Stored codes of the event types: append only. */
    private static final EventType[] TYPE_CODES = {EventType.CLICK, EventType.PURCHASE, EventType.SHARE};

    @Override
    protected PulseEvent newRecord() {
        return new PulseEvent();
    }

    @Override
    public void serialize(PulseEvent e, DataOutputView out) throws IOException {
        writeEnum(e.type, TYPE_CODES, out);
        writeString(e.eventId, out);
        writeString(e.userId, out);
        out.writeLong(e.eventTime);
        writeString(e.channel, out);
        writeString(e.page, out);
        writeString(e.itemId, out);
        writeString(e.shareId, out);
        writeString(e.orderId, out);
        out.writeLong(e.amountMinor);
        writeString(e.currency, out);
        out.writeLong(e.valueMinor);
        writeString(e.storeId, out);
        writeString(e.target, out);
        writeString(e.sourceTopic, out);
        out.writeInt(e.sourcePartition);
        out.writeLong(e.sourceOffset);
    }

    @Override
    public PulseEvent deserialize(DataInputView in) throws IOException {
        PulseEvent e = new PulseEvent();
        e.type = readEnum(TYPE_CODES, in);
        e.eventId = readString(in);
        e.userId = readString(in);
        e.eventTime = in.readLong();
        e.channel = readString(in);
        e.page = readString(in);
        e.itemId = readString(in);
        e.shareId = readString(in);
        e.orderId = readString(in);
        e.amountMinor = in.readLong();
        e.currency = readString(in);
        e.valueMinor = in.readLong();
        e.storeId = readString(in);
        e.target = readString(in);
        e.sourceTopic = readString(in);
        e.sourcePartition = in.readInt();
        e.sourceOffset = in.readLong();
        return e;
    }

    /** The layout of {@link #serialize}, copied field by field without decoding a string. */
    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        out.writeByte(in.readByte()); // type
        copyString(in, out); // eventId
        copyString(in, out); // userId
        out.writeLong(in.readLong()); // eventTime
        for (int i = 0; i < 5; i++) {
            copyString(in, out); // channel, page, itemId, shareId, orderId
        }
        out.writeLong(in.readLong()); // amountMinor
        copyString(in, out); // currency
        out.writeLong(in.readLong()); // valueMinor
        for (int i = 0; i < 3; i++) {
            copyString(in, out); // storeId, target, sourceTopic
        }
        out.writeInt(in.readInt()); // sourcePartition
        out.writeLong(in.readLong()); // sourceOffset
    }

    @Override
    public PulseEvent copy(PulseEvent from) {
        PulseEvent e = new PulseEvent();
        e.type = from.type;
        e.eventId = from.eventId;
        e.userId = from.userId;
        e.eventTime = from.eventTime;
        e.channel = from.channel;
        e.page = from.page;
        e.itemId = from.itemId;
        e.shareId = from.shareId;
        e.orderId = from.orderId;
        e.amountMinor = from.amountMinor;
        e.currency = from.currency;
        e.valueMinor = from.valueMinor;
        e.storeId = from.storeId;
        e.target = from.target;
        e.sourceTopic = from.sourceTopic;
        e.sourcePartition = from.sourcePartition;
        e.sourceOffset = from.sourceOffset;
        return e;
    }

    @Override
    public TypeSerializerSnapshot<PulseEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Layout 4: the fields in the order above, strings as UTF-8 (layout 3 wrote them as Flink's StringValue). */
    public static final class Snapshot extends LayoutSnapshot<PulseEvent> {
        public Snapshot() {
            super(() -> INSTANCE, 4);
        }
    }

    /** Named by {@code @TypeInfo} on {@link PulseEvent}. */
    public static final class Factory extends RecordTypeInfo.Factory<PulseEvent> {
        public Factory() {
            super(PulseEvent.class, INSTANCE);
        }
    }
}
