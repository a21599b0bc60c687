package io.customerpulse.retention;

import io.customerpulse.serialization.LayoutSnapshot;
import io.customerpulse.serialization.RecordSerializer;
import io.customerpulse.serialization.RecordTypeInfo;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** {@link StatusTransition}: copied once per row by the JDBC sink. */
public final class StatusTransitionSerializer extends RecordSerializer<StatusTransition> {
    private static final long serialVersionUID = 1L;

    public static final StatusTransitionSerializer INSTANCE = new StatusTransitionSerializer();

    @Override
    protected StatusTransition newRecord() {
        return new StatusTransition();
    }

    @Override
    public void serialize(StatusTransition t, DataOutputView out) throws IOException {
        writeString(t.userId, out);
        writeString(t.fromStatus, out);
        writeString(t.toStatus, out);
        out.writeLong(t.transitionAt);
    }

    @Override
    public StatusTransition deserialize(DataInputView in) throws IOException {
        StatusTransition t = new StatusTransition();
        t.userId = readString(in);
        t.fromStatus = readString(in);
        t.toStatus = readString(in);
        t.transitionAt = in.readLong();
        return t;
    }

    @Override
    public StatusTransition copy(StatusTransition from) {
        StatusTransition t = new StatusTransition();
        t.userId = from.userId;
        t.fromStatus = from.fromStatus;
        t.toStatus = from.toStatus;
        t.transitionAt = from.transitionAt;
        return t;
    }

    @Override
    public TypeSerializerSnapshot<StatusTransition> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Layout 4: the fields in the order above, strings as UTF-8 (layout 3 wrote them as Flink's StringValue). */
    public static final class Snapshot extends LayoutSnapshot<StatusTransition> {
        public Snapshot() {
            super(() -> INSTANCE, 4);
        }
    }

    /** Named by {@code @TypeInfo} on {@link StatusTransition}. */
    public static final class Factory extends RecordTypeInfo.Factory<StatusTransition> {
        public Factory() {
            super(StatusTransition.class, INSTANCE);
        }
    }
}
