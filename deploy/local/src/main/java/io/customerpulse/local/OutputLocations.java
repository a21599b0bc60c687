package io.customerpulse.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks, before a command starts its work, that the places an option names for its output can be
 * written: a command that found out only when it first wrote there failed after minutes of work
 * (a backfill's dead letters at its end, the bench's JSON after its suite), or with a stack trace.
 * A refusal is an {@link IllegalArgumentException}, which the launcher prints as one line with
 * exit code 2 ({@code PulseCli}). Only locations an operator names are checked: the defaults lie
 * in the launcher's own run directory (.pulse).
 */
final class OutputLocations {
    private OutputLocations() {}

    /** Creates {@code option}'s {@code directory} if missing, and refuses it if it cannot be made or written. */
    static void directory(String option, Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + directory + " cannot be created: " + why(directory, e), e);
        }
        if (!Files.isWritable(directory)) {
            throw new IllegalArgumentException(option + " " + directory + " is not writable");
        }
    }

    /** Why {@code directory} could not be made, in the file system's words, without a Java exception's name. */
    static String why(Path directory, IOException e) {
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in its place";
        }
        if (e instanceof NoSuchFileException) {
            return "the file system there does not allow it";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            String reason = fs.getReason().toLowerCase(Locale.ROOT);
            return directory.toString().equals(fs.getFile()) ? reason : reason + " (" + fs.getFile() + ")";
        }
        return e.getMessage();
    }

    /** Refuses {@code option}'s {@code file} if it is a directory, or if the directory it goes in cannot be made or written. */
    static void fileIn(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + " is a directory, not a file");
        }
        directory(option, file.toAbsolutePath().getParent());
    }
}
