package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A disk Flink's hybrid shuffle would not write to is refused before a backfill starts. */
class SpillRoomTest {
    private static final long GB = 1_000_000_000L;

    @Test
    void aDiskAtOrBelowFlinksReserveIsRefusedInWords() {
        Path dir = Path.of("/data/spill");
        // 5% of 252 GB is 12.6 GB: Flink's disk tier writes only above it.
        assertThatThrownBy(() -> SpillRoom.check("--spill-dir", dir, 12_600_000_000L, 252 * GB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--spill-dir /data/spill is on a disk with 12.6 GB usable of 252.0 GB, and Flink's shuffles "
                        + "leave 12.6 GB (5%) of it free: they could not spill there. Free some space, or give another --spill-dir");
        assertThatThrownBy(() -> SpillRoom.check("--spill-dir", dir, 3 * GB, 252 * GB))
                .hasMessageStartingWith("--spill-dir /data/spill is on a disk with 3.0 GB usable of 252.0 GB");
        assertThatCode(() -> SpillRoom.check("--spill-dir", dir, 12_600_000_001L, 252 * GB)).doesNotThrowAnyException();
    }

    @Test
    void aBackfillThatFilledItsDiskPartWayIsToldSoInWords() {
        // Flink 2.2.1's TieredStorageProducerClient throws this when no tier takes a new segment; a
        // real one needs a disk filled to its last 5%, which a test cannot do to this machine's
        // (checked by hand on a small file system: the README's backfill section).
        Exception flink = HybridShuffleRaceTest.asTheClientSeesIt(new java.io.IOException(SpillRoom.FLINK_FOUND_NO_ROOM + "."));
        assertThat(SpillRoom.ranOut(flink)).isTrue();
        assertThat(SpillRoom.ranOut(new RuntimeException(new java.io.IOException("No space left on device")))).as("a sort's spill").isTrue();
        assertThat(SpillRoom.ranOut(new java.io.IOException("Stream closed"))).isFalse();

        IllegalStateException said = SpillRoom.ranOut("--spill-dir", Path.of("/data/spill"), 12 * GB, 252 * GB, flink);
        assertThat(said).hasMessage("The backfill filled the disk of --spill-dir /data/spill part-way (Flink's shuffles leave "
                + "12.6 GB, 5% of its 252.0 GB, free; its sorts fill it): 12.0 GB is usable now. Free some space, or give "
                + "--spill-dir on a disk with more room (about 500 bytes per event)").hasCause(flink);
        assertThat(SpillRoom.ranOut("--spill-dir", Path.of("/mnt/small"), 18_400_000L, 400_000_000L, flink))
                .hasMessageContaining("(Flink's shuffles leave 20 MB, 5% of its 400 MB, free; its sorts fill it): 18 MB is usable now");
        // On the terminal, Flink's own words follow.
        assertThat(FailureLine.of(said)).endsWith("(about 500 bytes per event): " + SpillRoom.FLINK_FOUND_NO_ROOM + ".");
    }

    @Test
    void aDiskWithRoomPasses(@TempDir Path dir) {
        // This machine's temporary directory has room, or the backfill tests could not run.
        assertThatCode(() -> SpillRoom.check("--spill-dir", dir)).doesNotThrowAnyException();
    }
}
