package io.customerpulse.flink;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Groups rows into chunks of distinct keys, at most {@code maxRows} each, so that a sink can write
 * a chunk as one statement (in PostgreSQL, an upsert from {@code unnest} of one array per column)
 * instead of one statement per row: the server then plans and runs one statement for many rows.
 *
 * <p>A chunk goes out when it is full; before a row whose key it already holds (one upsert
 * statement may not update a row twice); as soon as the task is done with the work that produced
 * its rows (a processing-time timer at the current time, which runs after the coalescer's flush
 * in progress, so a chunk never waits for rows still to come); before every checkpoint barrier;
 * and at the end of input. It therefore holds nothing in a checkpoint and needs no state.
 *
 * @param <K> key of a row in its table
 * @param <T> row type
 */
public class RowChunker<K, T> extends AbstractStreamOperator<List<T>>
        implements OneInputStreamOperator<T, List<T>>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final KeySelector<T, K> keyOf;
    private final int maxRows;

    private transient List<T> chunk;
    private transient Set<K> keys;
    private transient boolean emitScheduled;

    public RowChunker(KeySelector<T, K> keyOf, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1: " + maxRows);
        }
        this.keyOf = keyOf;
        this.maxRows = maxRows;
    }

    /** {@code table}'s rows in chunks of distinct keys, at most {@code maxRows} each. */
    public static <K, T> SingleOutputStreamOperator<List<T>> inChunks(
            DataStream<T> rows, String table, KeySelector<T, K> keyOf, int maxRows, String uid) {
        return rows.transform("chunk " + table + " rows", Types.LIST(rows.getType()), new RowChunker<>(keyOf, maxRows))
                .uid(uid);
    }

    @Override
    public void open() throws Exception {
        super.open();
        chunk = new ArrayList<>();
        keys = new HashSet<>();
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        T row = element.getValue();
        K key = keyOf.getKey(row);
        if (!keys.add(key)) {
            emit();
            keys.add(key);
        }
        chunk.add(row);
        if (chunk.size() >= maxRows) {
            emit();
        } else if (!emitScheduled) {
            emitScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now, timestamp -> {
                emitScheduled = false;
                emit();
            });
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        emit();
    }

    @Override
    public void endInput() {
        emit();
    }

    private void emit() {
        if (chunk.isEmpty()) {
            return;
        }
        output.collect(new StreamRecord<>(chunk));
        chunk = new ArrayList<>();
        keys.clear();
    }
}
