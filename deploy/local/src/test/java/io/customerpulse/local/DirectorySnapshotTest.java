package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

class DirectorySnapshotTest {

    @Test
    void removesOnlyWhatWasWrittenSince(@TempDir Path dir) throws Exception {
        Path kept = Files.writeString(dir.resolve("notes.txt"), "the user's");
        Path keptBucket = Files.createDirectories(dir.resolve("2026-12-05--08"));
        Path keptLetters = Files.writeString(keptBucket.resolve("dead-letters-a-0-0.jsonl"), "{}\n");

        DirectorySnapshot before = DirectorySnapshot.of(dir);
        // What a file sink writes: files beside the old ones, a new bucket, hidden in-progress files.
        Files.writeString(keptBucket.resolve("dead-letters-b-0-0.jsonl"), "{}\n");
        Path newBucket = Files.createDirectories(dir.resolve("2026-12-05--09"));
        Files.writeString(newBucket.resolve("dead-letters-b-0-1.jsonl"), "{}\n");
        Files.writeString(newBucket.resolve(".dead-letters-b-0-2.jsonl.inprogress.1234"), "{");

        assertThat(before.removeAddedSince()).isEqualTo(4);
        try (var left = Files.walk(dir)) {
            assertThat(left).containsExactlyInAnyOrder(dir, kept, keptBucket, keptLetters);
        }
        assertThat(before.removeAddedSince()).as("nothing more").isZero();
    }

    @Test
    void aDirectoryThatDidNotExistIsEmptiedNotRemoved(@TempDir Path parent) throws Exception {
        Path dir = parent.resolve("dead-letters-new");
        DirectorySnapshot before = DirectorySnapshot.of(dir);
        Files.createDirectories(dir.resolve("bucket"));
        Files.writeString(dir.resolve("bucket").resolve("part-0.jsonl"), "{}\n");

        assertThat(before.removeAddedSince()).isEqualTo(2);
        assertThat(dir).isEmptyDirectory();
    }
}
