package io.customerpulse.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a directory held at one moment, so that what was written into it since can be removed:
 * a failed run's dead-letter files, before the run is repeated, without touching what was there
 * before it (a --dead-letters directory may be one the user keeps other files in).
 */
final class DirectorySnapshot {
    private final Path directory;
    private final Set<Path> entries;

    private DirectorySnapshot(Path directory, Set<Path> entries) {
        this.directory = directory;
        this.entries = entries;
    }

    /** The files and directories below {@code directory} now (none if it does not exist yet). */
    static DirectorySnapshot of(Path directory) {
        return new DirectorySnapshot(directory, Set.copyOf(below(directory)));
    }

    /** Deletes every file and directory below the directory that was not there at the snapshot; returns how many. */
    int removeAddedSince() {
        List<Path> added = below(directory).stream()
                .filter(p -> !entries.contains(p))
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()) // a directory's contents first
                .toList();
        for (Path p : added) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not remove " + p + ", written by the failed run", e);
            }
        }
        return added.size();
    }

    private static List<Path> below(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(p -> !p.equals(directory)).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + directory, e);
        }
    }
}
