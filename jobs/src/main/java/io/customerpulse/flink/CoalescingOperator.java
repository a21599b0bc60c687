package io.customerpulse.flink;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.SerializableFunction;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps only the newest version of each row between flushes, so the serving store receives one
 * write per changed key per flush instead of one per event.
 *
 * <p>It flushes every {@code flushIntervalMs} of processing time, when it holds
 * {@code maxBuffered} keys, before every checkpoint barrier and at the end of input. Flushing
 * before the barrier means the buffer is always empty in a checkpoint, so it needs no state and
 * restores lose nothing: rows not yet flushed are recomputed from the replayed input.
 *
 * @param <K> key of a row in its table
 * @param <T> row type
 */
public class CoalescingOperator<K, T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final KeySelector<T, K> keyOf;
    private final SerializableFunction<T, Long> versionOf;
    private final long flushIntervalMs;
    private final int maxBuffered;

    private transient Map<K, T> newest;

    /**
     * @param keyOf the row's primary key
     * @param versionOf the row's version (its as_of); on equal versions the later row wins
     */
    public CoalescingOperator(
            KeySelector<T, K> keyOf, SerializableFunction<T, Long> versionOf, long flushIntervalMs, int maxBuffered) {
        this.keyOf = keyOf;
        this.versionOf = versionOf;
        this.flushIntervalMs = flushIntervalMs;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void open() throws Exception {
        super.open();
        newest = new HashMap<>();
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
        newest.merge(keyOf.getKey(row), row, (held, incoming) ->
                versionOf.apply(incoming) >= versionOf.apply(held) ? incoming : held);
        if (newest.size() >= maxBuffered) {
            flush();
        }
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
        if (newest.isEmpty()) {
            return;
        }
        for (T row : newest.values()) {
            output.collect(new StreamRecord<>(row));
        }
        newest.clear();
    }
}
