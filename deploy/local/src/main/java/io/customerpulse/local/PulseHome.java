package io.customerpulse.local;

import java.nio.file.Path;

/** Where ./pulse keeps its runtime files: {@code <repository>/.pulse} unless told otherwise. */
final class PulseHome {
    private PulseHome() {}

    /** The repository root (set by ./pulse as -Dpulse.home), or the working directory. */
    static Path repository() {
        return Path.of(System.getProperty("pulse.home", ".")).toAbsolutePath().normalize();
    }

    /** {@code <repository>/.pulse}, or the directory named by -Dpulse.run (tests use their own). */
    static Path runDirectory() {
        String override = System.getProperty("pulse.run");
        return override != null ? Path.of(override).toAbsolutePath().normalize() : repository().resolve(".pulse");
    }
}
