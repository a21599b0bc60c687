package io.customerpulse.flink;

import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.SerializableFunction;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps only the newest version of each row between flushes, so the serving store receives one
 * write per changed key per flush instead of one per event; or, {@link #combining}, merges the
 * records of each key into one, so a keyed operator downstream gets one record per key and flush.
 *
 * <p>It flushes every {@code flushIntervalMs} of processing time, when it holds
 * {@code maxBuffered} keys, before every checkpoint barrier and at the end of input (and, when
 * combining, at every watermark). Flushing before the barrier means the buffer is always empty in
 * a checkpoint, so it needs no state and restores lose nothing: rows not yet flushed are
 * recomputed from the replayed input.
 *
 * @param <K> key of a row in its table
 * @param <T> row type
 */
public class CoalescingOperator<K, T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final KeySelector<T, K> keyOf;
    private final ReduceFunction<T> merge;
    private final boolean flushAtWatermarks;
    private final long flushIntervalMs;
    private final int maxBuffered;

    /** Per key, the row (or the merged record) waiting for the next flush. */
    private transient Map<K, T> pending;

    /**
     * @param keyOf the row's primary key
     * @param versionOf the row's version (its as_of); on equal versions the later row wins
     */
    public CoalescingOperator(
            KeySelector<T, K> keyOf, SerializableFunction<T, Long> versionOf, long flushIntervalMs, int maxBuffered) {
        this(keyOf, (held, incoming) -> versionOf.apply(incoming) >= versionOf.apply(held) ? incoming : held, false,
                flushIntervalMs, maxBuffered);
    }

    private CoalescingOperator(KeySelector<T, K> keyOf, ReduceFunction<T> merge, boolean flushAtWatermarks,
                               long flushIntervalMs, int maxBuffered) {
        this.keyOf = keyOf;
        this.merge = merge;
        this.flushAtWatermarks = flushAtWatermarks;
        this.flushIntervalMs = flushIntervalMs;
        this.maxBuffered = maxBuffered;
    }

    /**
     * Merges the records of each key with {@code merge} (which must return a new object, as
     * records may be reused upstream) and also flushes at every watermark: the records a
     * watermark releases upstream reach the next operator before that watermark does, as they
     * would without combining. A bounded input without watermarks (BATCH mode) is combined whole.
     */
    public static <K, T> CoalescingOperator<K, T> combining(
            KeySelector<T, K> keyOf, ReduceFunction<T> merge, long flushIntervalMs, int maxBuffered) {
        return new CoalescingOperator<>(keyOf, merge, true, flushIntervalMs, maxBuffered);
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = new HashMap<>();
        scheduleFlush();
    }

    private void scheduleFlush() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + flushIntervalMs, timestamp -> {
            flush();
            scheduleFlush();
        });
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        T row = element.getValue();
        K key = keyOf.getKey(row);
        T held = pending.get(key);
        pending.put(key, held == null ? row : merge.reduce(held, row));
        if (pending.size() >= maxBuffered) {
            flush();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (flushAtWatermarks) {
            flush();
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput() {
        flush();
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        for (T row : pending.values()) {
            output.collect(new StreamRecord<>(row));
        }
        pending.clear();
    }
}
