package io.customerpulse.testing;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A Sink V2 that collects into a static, named queue (the job runs in other threads, maybe copies). */
public final class CollectingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Object>> RESULTS = new ConcurrentHashMap<>();

    private final String name;

    private CollectingSink(String name) {
        this.name = name;
    }

    public static <T> CollectingSink<T> named(String name) {
        RESULTS.put(name, new ConcurrentLinkedQueue<>());
        return new CollectingSink<>(name);
    }

    @SuppressWarnings("unchecked")
    public List<T> values() {
        return new ArrayList<>((ConcurrentLinkedQueue<T>) (ConcurrentLinkedQueue<?>) RESULTS.get(name));
    }

    /** The rows of the chunks a sink of chunks collected, in the order collected. */
    public static <R> List<R> rowsOf(CollectingSink<List<R>> chunks) {
        return chunks.values().stream().flatMap(List::stream).toList();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Object> queue = RESULTS.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
