package io.customerpulse.serialization;

import io.customerpulse.events.CarriesEvent;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.events.PulseEventSerializer;
import io.customerpulse.flink.CountedIdList;
import io.customerpulse.flink.HeldEventList;
import io.customerpulse.reach.ReferralEvent;
import io.customerpulse.reach.ReferralEventSerializer;
import io.customerpulse.reach.ReferralState;
import io.customerpulse.reach.ReferralStateSerializer;
import io.customerpulse.reach.ShareState;
import io.customerpulse.reach.ShareStateSerializer;
import io.customerpulse.reach.ShareStatus;
import io.customerpulse.retention.RetentionStatus;
import io.customerpulse.retention.StatusTransition;
import io.customerpulse.retention.StatusTransitionSerializer;
import io.customerpulse.retention.UserRetentionRow;
import io.customerpulse.retention.UserRetentionRowSerializer;
import io.customerpulse.retention.UserRetentionState;
import io.customerpulse.retention.UserRetentionStateSerializer;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written serializers against the classes they serialize, field by field through
 * reflection: a field added to a class but forgotten in its serializer fails here.
 */
class RecordSerializersTest {

    record Case<T>(Class<T> type, RecordSerializer<T> serializer) {
        @Override
        public String toString() {
            return type.getSimpleName();
        }
    }

    static Stream<Case<?>> cases() {
        return Stream.of(
                new Case<>(PulseEvent.class, PulseEventSerializer.INSTANCE),
                new Case<>(UserRetentionState.class, UserRetentionStateSerializer.INSTANCE),
                new Case<>(UserRetentionRow.class, UserRetentionRowSerializer.INSTANCE),
                new Case<>(StatusTransition.class, StatusTransitionSerializer.INSTANCE),
                new Case<>(ReferralEvent.class, ReferralEventSerializer.INSTANCE),
                new Case<>(ReferralState.class, ReferralStateSerializer.INSTANCE),
                new Case<>(ShareState.class, ShareStateSerializer.INSTANCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <T> void everyFieldSurvivesSerializationAndCopy(Case<T> c) throws Exception {
        T original = withEveryField(c.type());
        List<Field> fields = dataFields(c.type());

        assertSameFields(fields, original, roundTrip(c.serializer(), original));
        T copy = c.serializer().copy(original);
        assertNotSame(original, copy);
        assertSameFields(fields, original, copy);
    }

    /**
     * What a BATCH sort does with the records it spills to disk: copies them from one buffer to
     * another in their serialized form. The copy must write the bytes the serializer wrote and read
     * exactly one record, or the records after it would be misread.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <T> void aSerializedRecordIsCopiedByteForByteAndNoFurther(Case<T> c) throws Exception {
        DataOutputSerializer written = new DataOutputSerializer(256);
        c.serializer().serialize(withEveryField(c.type()), written);
        c.serializer().serialize(c.type().getDeclaredConstructor().newInstance(), written);
        byte[] records = written.getCopyOfBuffer();
        written.writeInt(0x5EA1ED);

        DataInputDeserializer in = new DataInputDeserializer(written.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(256);
        c.serializer().copy(in, copied);
        c.serializer().copy(in, copied);

        assertEquals(0x5EA1ED, in.readInt(), "the two copies read their two records and no further");
        assertArrayEquals(records, copied.getCopyOfBuffer());
    }

    @Test
    void stringsOfAnyScriptAndLengthAreCopiedWhole() throws IOException {
        for (String value : new String[] {null, "", "上海-门店 07", "emoji \uD83D\uDE00 and é", "x".repeat(300)}) {
            PulseEvent e = event("copied", 1);
            e.channel = value;
            e.target = value;
            DataOutputSerializer written = new DataOutputSerializer(64);
            PulseEventSerializer.INSTANCE.serialize(e, written);
            DataOutputSerializer copied = new DataOutputSerializer(64);
            PulseEventSerializer.INSTANCE.copy(new DataInputDeserializer(written.getCopyOfBuffer()), copied);
            assertArrayEquals(written.getCopyOfBuffer(), copied.getCopyOfBuffer(), String.valueOf(value));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <T> void aFreshRecordWithItsNullsSurvives(Case<T> c) throws Exception {
        T fresh = c.type().getDeclaredConstructor().newInstance();
        assertSameFields(dataFields(c.type()), fresh, roundTrip(c.serializer(), fresh));
        assertSameFields(dataFields(c.type()), fresh, c.serializer().createInstance());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <T> void typeInformationOfTheClassUsesTheHandWrittenSerializer(Case<T> c) {
        assertSame(c.serializer(), TypeInformation.of(c.type()).createSerializer(new SerializerConfigImpl()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <T> void aSnapshotWrittenToASavepointRestoresTheSameSerializer(Case<T> c) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, c.serializer().snapshotConfiguration());
        TypeSerializerSnapshot<T> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertSame(c.serializer(), restored.restoreSerializer());
        assertTrue(c.serializer().snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs());
    }

    /**
     * A savepoint records only a serializer's layout number ({@link LayoutSnapshot}), so the bytes
     * of a layout number must never change: state written under it before would be misread. Each
     * serializer's record with every field set is pinned here, by the SHA-256 of its bytes, under
     * the layout number its snapshot now gives. A new layout is a new number in its snapshot (which
     * then refuses the old) and a new line below; a record that carries another record (held
     * events, a referral's event) changes with the other's layout, and needs a number of its own too.
     */
    private static final Map<String, String> LAYOUT_DIGESTS = Map.of(
            "PulseEvent@4", "43bbb21ab92bb8a5c3356868365f8ad32ff841064c546046f703b1b9d36820b9",
            "UserRetentionState@6", "b828fe5b6722bb8b7788557b1afa0161b90eaf336d5dd2f9349bd2261ee41986",
            "UserRetentionRow@4", "4a30ff19e5c7d9b869cccb678815554d0726e059d45d93e9ecec4349ac1073ed",
            "StatusTransition@4", "3ac7a5ec2ae7906bdf713ba1c0ba7f4b723f81a2a82c489e23a492c7c5a4256f",
            "ReferralEvent@4", "1da18cbea8b1ad4267c2786a683a6700faf1d29109a172c99a00b890d9668797",
            "ReferralState@4", "c7e73e76423bb482699f4185e4b9830bbc68556112c7322178e7f10498979fe0",
            "ShareState@4", "85f3fc233be84628ee86c74a4fdad218c566eeab29955994d6cad935d1a64a8a");

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <T> void theBytesOfALayoutNumberNeverChange(Case<T> c) throws Exception {
        String layout = c.type().getSimpleName() + "@" + c.serializer().snapshotConfiguration().getCurrentVersion();
        DataOutputSerializer out = new DataOutputSerializer(256);
        c.serializer().serialize(withEveryField(c.type()), out);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.getCopyOfBuffer()));

        assertTrue(LAYOUT_DIGESTS.containsKey(layout), layout + " is a layout number not pinned yet: add \"" + layout
                + "\", \"" + digest + "\" to LAYOUT_DIGESTS");
        assertEquals(LAYOUT_DIGESTS.get(layout), digest, layout + " now writes other bytes than it did, and savepoints"
                + " written with it would be misread: give the new layout a new number in the serializer's Snapshot"
                + " (savepoints of the old are then refused) and pin it here. Bytes: " + HexFormat.of().formatHex(out.getCopyOfBuffer()));
    }

    @Test
    void everyEventTypeAndStatusHasAStoredCode() throws IOException {
        for (EventType type : EventType.values()) {
            PulseEvent e = new PulseEvent();
            e.type = type;
            assertEquals(type, roundTrip(PulseEventSerializer.INSTANCE, e).type);
        }
        for (RetentionStatus status : RetentionStatus.values()) {
            UserRetentionState s = new UserRetentionState();
            s.status = status;
            assertEquals(status, roundTrip(UserRetentionStateSerializer.INSTANCE, s).status);
        }
    }

    @Test
    void variableLengthLongsRoundTripAtEveryMagnitudeAndSign() throws IOException {
        long[] values = {0, 1, -1, 63, 64, -64, -65, 127, 128, 1L << 35, -(1L << 35), Long.MAX_VALUE, Long.MIN_VALUE};
        int[] expectedBytes = {1, 1, 1, 1, 2, 1, 2, 2, 2, 6, 6, 10, 10};
        for (int i = 0; i < values.length; i++) {
            DataOutputSerializer out = new DataOutputSerializer(16);
            RecordSerializer.writeVarLong(values[i], out);
            assertEquals(expectedBytes[i], out.length(), "bytes for " + values[i]);
            assertEquals(values[i], RecordSerializer.readVarLong(new DataInputDeserializer(out.getCopyOfBuffer())));
        }
    }

    @Test
    void userStateAtTheExtremesSurvives() throws Exception {
        UserRetentionState s = new UserRetentionState();
        s.status = RetentionStatus.CHURNED;
        s.firstSeenAt = Long.MAX_VALUE - 1; // instants relative to it wrap around and back
        s.clock = Long.MIN_VALUE + 1;
        s.lastActiveAt = -5;
        s.resurrectedAt = 0;
        s.activeDays = Integer.MAX_VALUE;
        s.firstActiveDay = Integer.MIN_VALUE;
        s.lastActiveDay = Integer.MAX_VALUE;
        s.clicks = Long.MAX_VALUE;
        s.revenueMinor = Long.MIN_VALUE;
        s.purchaseDays = -1;
        s.firstPurchaseDay = Integer.MAX_VALUE;
        s.lastPurchaseDay = Integer.MIN_VALUE;
        s.score = Double.NaN;
        s.statusTimer = Long.MIN_VALUE + 7;
        s.countedIds.remember("late", Long.MIN_VALUE + 3);
        s.countedIds.remember("", Long.MAX_VALUE);
        assertSameFields(dataFields(UserRetentionState.class), s, roundTrip(UserRetentionStateSerializer.INSTANCE, s));
    }

    /**
     * A typical user, counted by hand: flags 1, status 1, first seen 8, clock and last activity 5
     * each (40 and 38 days in ms), channel "app" 4, active days 1, first active day 3 (20,089),
     * last active day 1 (+38), clicks, shares, purchases 1 each, revenue 3 (12,345), purchase days
     * 1, first purchase day 3, last purchase day 1, score 8, status timer 5; one counted id: count
     * 1, "c-0001234567" 13 (length and 12 characters), its time 5 (38 days in ms).
     */
    @Test
    void aTypicalUserStateTakes72Bytes() throws Exception {
        long day = 86_400_000L;
        UserRetentionState s = new UserRetentionState();
        s.status = RetentionStatus.ACTIVE;
        s.firstSeenAt = 20_089 * day;
        s.clock = s.firstSeenAt + 40 * day;
        s.lastActiveAt = s.firstSeenAt + 38 * day;
        s.acquisitionChannel = "app";
        s.activeDays = 12;
        s.firstActiveDay = 20_089;
        s.lastActiveDay = 20_089 + 38;
        s.clicks = 40;
        s.shares = 3;
        s.purchases = 4;
        s.revenueMinor = 12_345;
        s.purchaseDays = 3;
        s.firstPurchaseDay = 20_090;
        s.lastPurchaseDay = 20_120;
        s.score = 3.7;
        s.statusTimer = s.firstSeenAt + 52 * day;
        s.countedIds.remember("c-0001234567", s.firstSeenAt + 38 * day);
        DataOutputSerializer out = new DataOutputSerializer(64);
        UserRetentionStateSerializer.INSTANCE.serialize(s, out);
        assertEquals(72, out.length());
        assertSameFields(dataFields(UserRetentionState.class), s, roundTrip(UserRetentionStateSerializer.INSTANCE, s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <T> void aSavepointOfAnEarlierLayoutIsRefusedNotMisread(Case<T> c) throws Exception {
        // Layout 3 wrote strings as Flink's StringValue (and the user state's dedup sweep time).
        TypeSerializerSnapshot<T> layout3 = c.serializer().snapshotConfiguration();
        layout3.readSnapshot(3, new DataInputDeserializer(new byte[0]), getClass().getClassLoader());
        assertTrue(c.serializer().snapshotConfiguration().resolveSchemaCompatibility(layout3).isIncompatible());
    }

    @Test
    void stringsOfAnyScriptSurviveAndAsciiTakesOneByteEach() throws IOException {
        for (String value : new String[] {null, "", "app", "上海-门店 07", "emoji \uD83D\uDE00 and é", "x".repeat(300)}) {
            PulseEvent e = new PulseEvent();
            e.channel = value;
            assertEquals(value, roundTrip(PulseEventSerializer.INSTANCE, e).channel);
        }
        DataOutputSerializer out = new DataOutputSerializer(16);
        RecordSerializer.writeString("app", out);
        assertEquals(4, out.length(), "length + 1 in one byte, then three ASCII bytes");
        out.clear();
        RecordSerializer.writeString(null, out);
        assertEquals(1, out.length());
    }

    @Test
    void anUnknownEnumCodeIsAnErrorNotAWrongValue() {
        byte[] bytes = {7}; // no event type has code 7
        assertThrows(IOException.class,
                () -> PulseEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)));
    }

    private static <T> T roundTrip(RecordSerializer<T> serializer, T record) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(record, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T read = serializer.deserialize(in);
        assertEquals(0, in.available(), "every byte written is read back");
        return read;
    }

    /** A record of {@code type} with every field set to a value of its own. */
    private static <T> T withEveryField(Class<T> type) throws Exception {
        T record = type.getDeclaredConstructor().newInstance();
        List<Field> fields = dataFields(type);
        for (int i = 0; i < fields.size(); i++) {
            fields.get(i).set(record, distinctValue(fields.get(i), i));
        }
        return record;
    }

    /** The public instance fields of {@code type}, by name: the JVM gives them in no set order. */
    private static List<Field> dataFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        fields.sort(Comparator.comparing(Field::getName));
        assertTrue(fields.size() >= 4, type + " has its fields");
        return fields;
    }

    /** A value for field number {@code i} that differs from the field's default and from the other fields' values. */
    private static Object distinctValue(Field f, int i) throws Exception {
        Class<?> t = f.getType();
        if (t == String.class) {
            return f.getName() + "-" + i;
        } else if (t == long.class || t == Long.class) {
            return 1_000_000_007L * (i + 1);
        } else if (t == int.class || t == Integer.class) {
            return 1_000 + i;
        } else if (t == boolean.class) {
            return true;
        } else if (t == double.class || t == Double.class) {
            return 0.25 + i;
        } else if (t == CountedIdList.class) {
            CountedIdList ids = new CountedIdList();
            ids.remember(f.getName() + "-" + i, 1_000_000_009L * (i + 1));
            ids.remember(f.getName() + "-" + (i + 1), -1_000_000_009L * (i + 1));
            return ids;
        } else if (t == HeldEventList.class) {
            boolean ofReferrals = ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0] == ReferralEvent.class;
            HeldEventList<CarriesEvent> held = new HeldEventList<>();
            for (int copy = 0; copy < 2; copy++) {
                PulseEvent e = eventWithEveryField(f.getName(), i + copy);
                if (ofReferrals) {
                    ReferralEvent r = ReferralEvent.of(e, ShareStatus.values()[(i + copy) % ShareStatus.values().length]);
                    r.shareOwner = copy == 0 ? "owner-" + i : null;
                    r.shareDay = copy == 0 ? 20_000 + i : 0;
                    r.verdict = copy == 1;
                    held.add(r);
                } else {
                    held.add(e);
                }
            }
            return held;
        } else if (t == PulseEvent.class) {
            return eventWithEveryField(f.getName(), i);
        } else if (t == List.class) {
            return new ArrayList<>(List.of(f.getName() + "-" + i, f.getName() + "-" + (i + 1)));
        } else if (t.isEnum()) {
            Object[] constants = t.getEnumConstants();
            return constants[i % constants.length];
        }
        throw new AssertionError("No test value for " + f + ": extend distinctValue");
    }

    /** An event with every field set, as a record carrying events holds them: their layout is part of its. */
    private static PulseEvent eventWithEveryField(String name, int i) throws Exception {
        PulseEvent e = withEveryField(PulseEvent.class);
        PulseEvent distinct = event(name, i);
        e.type = distinct.type;
        e.eventId = distinct.eventId;
        e.userId = distinct.userId;
        e.eventTime = distinct.eventTime;
        return e;
    }

    private static PulseEvent event(String name, int i) {
        PulseEvent e = new PulseEvent();
        e.type = EventType.values()[i % EventType.values().length];
        e.eventId = name + "-" + i;
        e.userId = "user-" + i;
        e.eventTime = 1_000_000_011L * (i + 1);
        e.amountMinor = 1_234 + i;
        return e;
    }

    private static void assertSameFields(List<Field> fields, Object expected, Object actual) throws IllegalAccessException {
        for (Field f : fields) {
            assertEquals(f.get(expected), f.get(actual), f.getName());
        }
    }
}
