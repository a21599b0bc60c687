package io.customerpulse.local;

import java.io.File;
import java.nio.file.Path;

/**
 * Whether a backfill's shuffles can spill at all where they would. Flink's hybrid shuffle writes to
 * a disk only while its usable space is above 5% of its size (the disk tier's reserve,
 * {@code DiskTierFactory}'s default in Flink 2.2), and past that fails the job with "Failed to
 * choose a storage tier to start a new segment", which does not say "disk". So a backfill refuses
 * such a disk before it starts, in words.
 */
final class SpillRoom {
    /** The fraction of a disk Flink's hybrid shuffle leaves free. */
    static final double FLINK_SHUFFLE_RESERVE = 0.05;

    private SpillRoom() {}

    /** Refuses {@code directory} when Flink's shuffles could not spill there. */
    static void check(String what, Path directory) {
        File file = directory.toFile();
        check(what, directory, file.getUsableSpace(), file.getTotalSpace());
    }

    static void check(String what, Path directory, long usableBytes, long totalBytes) {
        long reserve = (long) (totalBytes * FLINK_SHUFFLE_RESERVE);
        if (usableBytes <= reserve) {
            throw new IllegalArgumentException(String.format(
                    "%s %s is on a disk with %s usable of %s, and Flink's shuffles leave %s (5%%) of it free: "
                            + "they could not spill there. Free some space, or give another --spill-dir",
                    what, directory, gigabytes(usableBytes), gigabytes(totalBytes), gigabytes(reserve)));
        }
    }

    private static String gigabytes(long bytes) {
        return String.format("%.1f GB", bytes / 1e9);
    }
}
