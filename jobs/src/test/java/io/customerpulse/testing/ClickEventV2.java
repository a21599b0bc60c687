package io.customerpulse.testing;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A next version of ClickEvent that schemas/history does not list: v1 plus an optional
 * {@code referrer}. Its single-object encoding carries a fingerprint no decoder knows unless the
 * schema is added to it.
 */
public final class ClickEventV2 {
    public static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "ClickEvent", "namespace": "io.customerpulse.events.avro", "fields": [
              {"name": "event_id", "type": "string"},
              {"name": "user_id", "type": "string"},
              {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "channel", "type": "string"},
              {"name": "page", "type": "string"},
              {"name": "item_id", "type": ["null", "string"], "default": null},
              {"name": "share_id", "type": ["null", "string"], "default": null},
              {"name": "referrer", "type": ["null", "string"], "default": null}]}""");

    private ClickEventV2() {}

    /** A click on /home from the app, in single-object encoding with this schema. */
    public static byte[] encode(String eventId, String userId, long eventTime, String referrer) {
        GenericRecord click = new GenericData.Record(SCHEMA);
        click.put("event_id", eventId);
        click.put("user_id", userId);
        click.put("event_time", eventTime);
        click.put("channel", "app");
        click.put("page", "/home");
        click.put("referrer", referrer);
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), SCHEMA).encode(click);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
