package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The refusal an operator reads names the option, the path and the reason in words, no Java exception. */
class OutputLocationsTest {
    @Test
    void aDirectoryThatCannotBeMadeIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> OutputLocations.directory("--spill-dir", file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--spill-dir " + file + " cannot be created: a file is in its place");
        assertThatThrownBy(() -> OutputLocations.directory("--spill-dir", file.resolve("sorts")))
                .hasMessage("--spill-dir " + file.resolve("sorts") + " cannot be created: not a directory");
        assertThatThrownBy(() -> OutputLocations.directory("--dead-letters", file.resolve("a").resolve("b")))
                .hasMessage("--dead-letters " + file.resolve("a").resolve("b") + " cannot be created: not a directory ("
                        + file.resolve("a") + ")");
        assertThatThrownBy(() -> OutputLocations.directory("--dead-letters", Path.of("/proc/pulse-dead-letters")))
                .hasMessage("--dead-letters /proc/pulse-dead-letters cannot be created: the file system there does not allow it");
    }

    @Test
    void aFileMustNotBeADirectoryAndItsDirectoryIsMade(@TempDir Path dir) {
        assertThatThrownBy(() -> OutputLocations.fileIn("--out", dir))
                .hasMessage("--out " + dir + " is a directory, not a file");
        assertThatCode(() -> OutputLocations.fileIn("--out", dir.resolve("new").resolve("bench.json"))).doesNotThrowAnyException();
        org.assertj.core.api.Assertions.assertThat(dir.resolve("new")).isDirectory();
    }
}
