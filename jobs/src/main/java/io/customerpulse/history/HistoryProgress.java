package io.customerpulse.history;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of an in-process read of history (bytes of input consumed and records read), for the
 * terminal. Readers running in another JVM (a remote cluster) find no entry and report nothing.
 *
 * <p>The job's accumulators count records too, but reach the client only with the task
 * heartbeats, seconds late: a progress line would read "0 events read" with a third of the
 * input done.
 */
public final class HistoryProgress {
    private static final Map<String, Counters> RUNS = new ConcurrentHashMap<>();

    /** What the readers of one run have consumed so far. */
    public record Counters(AtomicLong bytes, AtomicLong records) {}

    private HistoryProgress() {}

    /** Starts counting for a run; the returned counters are what readers add to. */
    public static Counters start(String run) {
        Counters counters = new Counters(new AtomicLong(), new AtomicLong());
        RUNS.put(run, counters);
        return counters;
    }

    static void add(String run, long bytes, long records) {
        if (run == null) {
            return;
        }
        Counters counters = RUNS.get(run);
        if (counters != null) {
            counters.bytes().addAndGet(bytes);
            counters.records().addAndGet(records);
        }
    }

    public static void finish(String run) {
        RUNS.remove(run);
    }
}
