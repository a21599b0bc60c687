package io.customerpulse.local;

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
    void aDiskWithRoomPasses(@TempDir Path dir) {
        // This machine's temporary directory has room, or the backfill tests could not run.
        assertThatCode(() -> SpillRoom.check("--spill-dir", dir)).doesNotThrowAnyException();
    }
}
