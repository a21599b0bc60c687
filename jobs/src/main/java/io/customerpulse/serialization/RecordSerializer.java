package io.customerpulse.serialization;

import io.customerpulse.events.CarriesEvent;
import io.customerpulse.flink.CountedIdList;
import io.customerpulse.flink.HeldEventList;

import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Base of the hand-written serializers of the jobs' hot types (events, per-user state, rows):
 * fields written in a fixed order, without reflection. Flink's PojoSerializer reads and writes
 * public fields through reflection and copies the same way; profiles of the retention job put
 * that at a fifth of its operator thread (state reads and writes, the network, the JDBC sink's
 * copies).
 *
 * <p>The layout is part of savepoints. A subclass that changes its layout raises the layout
 * number of its {@link LayoutSnapshot}, so that state in the old layout is refused on restore
 * rather than misread (rebuild such state with a backfill). Enum constants are written as explicit codes, not ordinals, so reordering an
 * enum never changes the meaning of stored bytes.
 */
public abstract class RecordSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    /** A new record with every field at its default. */
    protected abstract T newRecord();

    @Override
    public abstract void serialize(T record, DataOutputView out) throws IOException;

    @Override
    public abstract T deserialize(DataInputView in) throws IOException;

    /** A copy sharing only immutable values (strings, boxed numbers) with {@code from}. */
    @Override
    public abstract T copy(T from);

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final T createInstance() {
        return newRecord();
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    /**
     * Copies one serialized record from {@code source} to {@code target}. Flink calls it for every
     * record a BATCH sort spills to disk, which a backfill's sorts do once its history outgrows
     * their memory. This default decodes the record and encodes it again; the serializers of the
     * events, most of what a backfill sorts, override it with a copy of their bytes field by field
     * ({@link #copyString}, {@link #copyVarLong}) that creates no objects.
     */
    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    // ---- field codecs shared by the subclasses ----

    /**
     * A string that may be null: its UTF-8 length plus one (0 for null) as a variable-length
     * number, then the UTF-8 bytes. The JDK encodes and decodes the mostly ASCII ids and codes of
     * events in bulk; Flink's StringValue writes and reads a character at a time, which profiles
     * of the jobs put at about a tenth of an operator thread.
     */
    public static void writeString(String value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeByte(0);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeVarLong(utf8.length + 1L, out);
        out.write(utf8);
    }

    public static String readString(DataInputView in) throws IOException {
        long lengthPlusOne = readVarLong(in);
        if (lengthPlusOne == 0) {
            return null;
        }
        if (lengthPlusOne < 0 || lengthPlusOne > Integer.MAX_VALUE) {
            throw new IOException("Malformed string length " + (lengthPlusOne - 1));
        }
        byte[] utf8 = new byte[(int) lengthPlusOne - 1];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Copies a string written by {@link #writeString} without decoding it. */
    protected static void copyString(DataInputView in, DataOutputView out) throws IOException {
        long lengthPlusOne = copyVarLong(in, out);
        if (lengthPlusOne < 0 || lengthPlusOne > Integer.MAX_VALUE) {
            throw new IOException("Malformed string length " + (lengthPlusOne - 1));
        }
        byte[] buffer = COPY_BUFFER.get();
        for (int left = (int) lengthPlusOne - 1; left > 0; ) {
            int chunk = Math.min(left, buffer.length);
            in.readFully(buffer, 0, chunk);
            out.write(buffer, 0, chunk);
            left -= chunk;
        }
    }

    /**
     * The bytes of strings on their way through {@link #copyString}, one buffer per thread (the
     * serializers are shared singletons). Not {@code DataOutputView.write(DataInputView, int)}:
     * Flink's {@code DataOutputSerializer} does not grow its buffer for it.
     */
    private static final ThreadLocal<byte[]> COPY_BUFFER = ThreadLocal.withInitial(() -> new byte[256]);

    /** Copies a number written by {@link #writeVarLong} (its encoding is unique) and returns it. */
    protected static long copyVarLong(DataInputView in, DataOutputView out) throws IOException {
        long value = readVarLong(in);
        writeVarLong(value, out);
        return value;
    }

    protected static void writeNullableInt(Integer value, DataOutputView out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeInt(value);
        }
    }

    protected static Integer readNullableInt(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }

    protected static void writeNullableDouble(Double value, DataOutputView out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeDouble(value);
        }
    }

    protected static Double readNullableDouble(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    /**
     * A long in as few bytes as its magnitude needs (zig-zag, 7 bits a byte): counts, days and
     * instants relative to another instant take 1 to 5 bytes instead of 8.
     */
    public static void writeVarLong(long value, DataOutputView out) throws IOException {
        long zigZag = (value << 1) ^ (value >> 63);
        while ((zigZag & ~0x7FL) != 0) {
            out.writeByte((int) ((zigZag & 0x7F) | 0x80));
            zigZag >>>= 7;
        }
        out.writeByte((int) zigZag);
    }

    public static long readVarLong(DataInputView in) throws IOException {
        long zigZag = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            zigZag |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (zigZag >>> 1) ^ -(zigZag & 1);
            }
        }
        throw new IOException("Malformed variable-length long");
    }

    /** Counted event ids (a list that is not empty): the first one's instant, then each id with its instant relative to it. */
    protected static void writeCountedIds(CountedIdList ids, DataOutputView out) throws IOException {
        long base = ids.countedAt(0);
        out.writeLong(base);
        writeVarLong(ids.size(), out);
        for (int i = 0; i < ids.size(); i++) {
            writeString(ids.id(i), out);
            writeVarLong(ids.countedAt(i) - base, out);
        }
    }

    /** Reads what {@link #writeCountedIds} wrote into {@code into}. */
    protected static void readCountedIds(DataInputView in, CountedIdList into) throws IOException {
        long base = in.readLong();
        for (long i = readVarLong(in); i > 0; i--) {
            into.remember(readString(in), base + readVarLong(in));
        }
    }

    /** Held items: their number, then each by {@code serializer}. */
    protected static <T extends CarriesEvent> void writeHeld(HeldEventList<T> held, RecordSerializer<T> serializer,
                                                            DataOutputView out) throws IOException {
        writeVarLong(held.size(), out);
        for (int i = 0; i < held.size(); i++) {
            serializer.serialize(held.get(i), out);
        }
    }

    /** Reads what {@link #writeHeld} wrote into {@code into}. */
    protected static <T extends CarriesEvent> void readHeld(DataInputView in, RecordSerializer<T> serializer,
                                                           HeldEventList<T> into) throws IOException {
        for (long i = readVarLong(in); i > 0; i--) {
            into.add(serializer.deserialize(in));
        }
    }

    /** An enum constant (or null) as its position in {@code codes}, a fixed list that is only ever appended to. */
    protected static <E extends Enum<E>> void writeEnum(E value, E[] codes, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeByte(-1);
            return;
        }
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == value) {
                out.writeByte(i);
                return;
            }
        }
        throw new IllegalStateException(value + " has no code in " + java.util.Arrays.toString(codes));
    }

    protected static <E extends Enum<E>> E readEnum(E[] codes, DataInputView in) throws IOException {
        int code = in.readByte();
        if (code == -1) {
            return null;
        }
        if (code < 0 || code >= codes.length) {
            throw new IOException("Unknown enum code " + code + " (known: " + java.util.Arrays.toString(codes) + ")");
        }
        return codes[code];
    }
}
