package io.customerpulse.flink;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * Counted event ids kept inside a key's own state value: for a key with a handful of ids within
 * the dedup horizon, a short list in the value it reads anyway costs a few bytes per id, where a
 * MapState entry per id repeats the key group, the key and the namespace in every RocksDB key
 * and needs its own reads, writes and sweep timers.
 */
public final class CountedIdList implements CountedIds {
    private String[] ids = new String[0];
    private long[] times = new long[0];
    private int size;

    @Override
    public Long countedAt(String eventId) {
        int i = indexOf(eventId);
        return i < 0 ? null : times[i];
    }

    @Override
    public void remember(String eventId, long eventTime) {
        int i = indexOf(eventId);
        if (i < 0) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, Math.max(2, size * 2));
                times = Arrays.copyOf(times, ids.length);
            }
            i = size++;
            ids[i] = eventId;
        }
        times[i] = eventTime;
    }

    /** Forgets the ids whose counted time {@code forgettable} accepts. */
    public void forget(LongPredicate forgettable) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!forgettable.test(times[i])) {
                ids[kept] = ids[i];
                times[kept] = times[i];
                kept++;
            }
        }
        Arrays.fill(ids, kept, size, null);
        size = kept;
    }

    public int size() {
        return size;
    }

    public String id(int i) {
        return ids[i];
    }

    public long countedAt(int i) {
        return times[i];
    }

    public CountedIdList copy() {
        CountedIdList copy = new CountedIdList();
        copy.ids = Arrays.copyOf(ids, size);
        copy.times = Arrays.copyOf(times, size);
        copy.size = size;
        return copy;
    }

    private int indexOf(String eventId) {
        for (int i = 0; i < size; i++) {
            if (ids[i].equals(eventId)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CountedIdList other
                && Arrays.equals(ids, 0, size, other.ids, 0, other.size)
                && Arrays.equals(times, 0, size, other.times, 0, other.size);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(Arrays.copyOf(ids, size)) + Arrays.hashCode(Arrays.copyOf(times, size));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            s.append(i == 0 ? "" : ", ").append(ids[i]).append('@').append(times[i]);
        }
        return s.append(']').toString();
    }
}
