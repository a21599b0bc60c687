package io.customerpulse.events;

import java.nio.charset.StandardCharsets;

/**
 * A refused record: the original bytes, where they came from and why they were refused.
 * Written to the dead-letter topic; nothing refused is dropped silently.
 */
public class DeadLetter {
    public String reason;
    public String detail;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    /** The record's key as read (may be null). */
    public byte[] key;
    /** The record's value exactly as read, or, for refusals after decoding, the event re-encoded. */
    public byte[] payload;
    /** Wall-clock milliseconds when the record was refused. */
    public long refusedAt;

    public DeadLetter() {}

    public static DeadLetter of(
            DeadLetterReason reason,
            String detail,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] payload) {
        DeadLetter d = new DeadLetter();
        d.reason = reason.code();
        d.detail = detail;
        d.sourceTopic = topic;
        d.sourcePartition = partition;
        d.sourceOffset = offset;
        d.key = key;
        d.payload = payload;
        d.refusedAt = System.currentTimeMillis();
        return d;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + ": " + detail + " from " + sourceTopic + "/" + sourcePartition
                + "@" + sourceOffset + (key == null ? "" : " key=" + new String(key, StandardCharsets.UTF_8)) + "}";
    }
}
