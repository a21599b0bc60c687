package io.customerpulse.local;

import java.nio.file.Path;

/** Where ./pulse keeps its runtime files: {@code <repository>/.pulse} unless told otherwise. */
final class PulseHome {
    private PulseHome() {}

    /** The repository root (set by ./pulse as -Dpulse.home), or the working directory. */
    static Path repository() {
        return Path.of(System.getProperty("pulse.home", ".")).toAbsolutePath().normalize();
    }

    static Path runDirectory() {
        return repository().resolve(".pulse");
    }
}
