package io.customerpulse.events;

import io.customerpulse.events.avro.ClickEvent;
import io.customerpulse.events.avro.PurchaseEvent;
import io.customerpulse.events.avro.ShareEvent;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * The wire format shared with producers: Avro single-object encoding (marker C3 01, 8-byte
 * CRC-64-AVRO fingerprint of the writer schema, then the binary body).
 *
 * <p>Decoding accepts every schema version listed in {@code schemas/history} and resolves it to
 * the current generated class, so producers can upgrade at their own pace. Not thread-safe (Avro's
 * decoders keep reusable buffers): use one instance per thread or operator.
 */
public final class EventCodec {

    /** A decoding failure, already classified for the dead-letter topic. */
    public static final class DecodeException extends Exception {
        private final DeadLetterReason reason;

        DecodeException(DeadLetterReason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        public DeadLetterReason reason() {
            return reason;
        }
    }

    private final Map<EventType, BinaryMessageDecoder<? extends SpecificRecord>> decoders =
            new EnumMap<>(EventType.class);

    public EventCodec() {
        decoders.put(EventType.CLICK, withHistory(ClickEvent.createDecoder(null), ClickEvent.getClassSchema()));
        decoders.put(EventType.PURCHASE, withHistory(PurchaseEvent.createDecoder(null), PurchaseEvent.getClassSchema()));
        decoders.put(EventType.SHARE, withHistory(ShareEvent.createDecoder(null), ShareEvent.getClassSchema()));
    }

    private static <T> BinaryMessageDecoder<T> withHistory(BinaryMessageDecoder<T> decoder, Schema current) {
        for (Schema version : SchemaHistory.of(current.getFullName())) {
            decoder.addSchema(version);
        }
        return decoder;
    }

    /** Decodes the value of a record read from the topic of {@code type}. */
    public SpecificRecord decode(EventType type, byte[] bytes) throws DecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE, type.word() + ": " + EMPTY_VALUE, null);
        }
        try {
            return decoders.get(type).decode(bytes);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            throw failure(type.word(), e);
        }
    }

    /** Why a value is refused when it has no bytes at all. */
    public static final String EMPTY_VALUE = "empty value";

    /**
     * Why a non-empty value of a {@code what} record could not be decoded, classified: a value
     * that is not single-object encoding and a corrupt body are undecodable; a writer schema missing
     * from schemas/history is an unknown schema. The Flink SQL format reports the same reasons.
     */
    public static DecodeException failure(String what, Exception cause) {
        if (cause instanceof BadHeaderException) {
            return new DecodeException(DeadLetterReason.UNDECODABLE,
                    what + ": not Avro single-object encoding: " + cause.getMessage(), cause);
        } else if (cause instanceof MissingSchemaException) {
            return new DecodeException(DeadLetterReason.UNKNOWN_SCHEMA,
                    what + ": writer schema not in schemas/history: " + cause.getMessage(), cause);
        }
        return new DecodeException(DeadLetterReason.UNDECODABLE, what + ": corrupt body: " + cause, cause);
    }

    /** Encodes a generated event record in the producers' wire format. */
    public static byte[] encode(SpecificRecord record) {
        try {
            ByteBuffer buffer = encoderFor(record).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static BinaryMessageEncoder<SpecificRecord> encoderFor(SpecificRecord record) {
        if (record instanceof ClickEvent) {
            return (BinaryMessageEncoder<SpecificRecord>) (BinaryMessageEncoder<?>) ClickEvent.getEncoder();
        } else if (record instanceof PurchaseEvent) {
            return (BinaryMessageEncoder<SpecificRecord>) (BinaryMessageEncoder<?>) PurchaseEvent.getEncoder();
        } else if (record instanceof ShareEvent) {
            return (BinaryMessageEncoder<SpecificRecord>) (BinaryMessageEncoder<?>) ShareEvent.getEncoder();
        }
        throw new IllegalArgumentException("Not an event record: " + record.getClass());
    }
}
