package io.customerpulse.history;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of an in-process read of history (bytes of input consumed), for the terminal. Readers
 * running in another JVM (a remote cluster) find no entry and report nothing.
 */
public final class HistoryProgress {
    private static final Map<String, AtomicLong> BYTES = new ConcurrentHashMap<>();

    private HistoryProgress() {}

    /** Starts counting for a run; the returned counter is what readers add to. */
    public static AtomicLong start(String run) {
        AtomicLong counter = new AtomicLong();
        BYTES.put(run, counter);
        return counter;
    }

    static void add(String run, long bytes) {
        if (run == null || bytes == 0) {
            return;
        }
        AtomicLong counter = BYTES.get(run);
        if (counter != null) {
            counter.addAndGet(bytes);
        }
    }

    public static void finish(String run) {
        BYTES.remove(run);
    }
}
