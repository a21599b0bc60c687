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

    /** The reserve as the messages give it ("5%"). */
    private static final String RESERVE_PERCENT = String.format("%.0f%%", FLINK_SHUFFLE_RESERVE * 100);

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
                    "%s %s is on a disk with %s usable of %s, and Flink's shuffles leave %s (%s) of it free: "
                            + "they could not spill there. Free some space, or give another --spill-dir",
                    capitalized(what), directory, gigabytes(usableBytes), gigabytes(totalBytes), gigabytes(reserve),
                    RESERVE_PERCENT));
        }
    }

    /**
     * What Flink's hybrid shuffle says when no tier takes a new segment
     * ({@code TieredStorageProducerClient}): with a backfill's in-process tiers, memory and disk,
     * the disk is at its reserve.
     */
    static final String FLINK_FOUND_NO_ROOM = "Failed to choose a storage tier to start a new segment";

    /** What the JDK says when a write finds the disk full (ENOSPC), as the sorts' spilling does: they keep no reserve. */
    static final String DISK_FULL = "No space left on device";

    /** Whether {@code failure}, or anything it was caused by, is the shuffles or sorts finding no room to write. */
    static boolean ranOut(Throwable failure) {
        return Causes.any(failure, t -> {
            String message = String.valueOf(t.getMessage());
            return message.contains(FLINK_FOUND_NO_ROOM) || message.contains(DISK_FULL);
        });
    }

    /**
     * A backfill's failure in which its shuffles or sorts ran out of room part-way (it had room at the
     * start, {@link #check}), in words: where, the room left now and what to do.
     */
    static IllegalStateException ranOut(String what, Path directory, Throwable failure) {
        File file = directory.toFile();
        return ranOut(what, directory, file.getUsableSpace(), file.getTotalSpace(), failure);
    }

    static IllegalStateException ranOut(String what, Path directory, long usableBytes, long totalBytes, Throwable failure) {
        return new IllegalStateException(String.format(
                "The backfill filled the disk of %s %s part-way (Flink's shuffles leave %s, %s of its %s, free; "
                        + "its sorts fill it): %s is usable now. Free some space, or give --spill-dir on a disk with more "
                        + "room (about 500 bytes per event)",
                what, directory, gigabytes((long) (totalBytes * FLINK_SHUFFLE_RESERVE)), RESERVE_PERCENT, gigabytes(totalBytes),
                gigabytes(usableBytes)), failure);
    }

    private static String capitalized(String words) {
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** In GB from 1 GB on, in MB below (a small file system's 5% is a few MB). */
    private static String gigabytes(long bytes) {
        return bytes >= 1e9 ? String.format("%.1f GB", bytes / 1e9) : String.format("%.0f MB", bytes / 1e6);
    }
}
