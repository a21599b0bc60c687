package io.customerpulse.backfill;

import io.customerpulse.history.HistoryFormat;

import org.apache.avro.file.DataFileConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** The history files named on a command line: files as given, directories searched recursively. */
public final class HistoryFiles {
    private HistoryFiles() {}

    public static List<Path> resolve(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    walk.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .filter(p -> HistoryFormat.of(p.getFileName().toString()) != null)
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot list " + input, e);
                }
            } else if (Files.isRegularFile(input)) {
                if (HistoryFormat.of(input.getFileName().toString()) == null) {
                    throw new IllegalArgumentException(input + " is not a history file: use .jsonl, .jsonl.gz or .avro");
                }
                files.add(input);
            } else {
                throw new IllegalArgumentException("No such file or directory: " + input);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("No history files (.jsonl, .jsonl.gz, .avro) in " + inputs);
        }
        files.forEach(HistoryFiles::checkFirstBytes);
        return files;
    }

    /** gzip's first two bytes, as the JDK's reader checks them (the header's magic, little-endian). */
    private static final byte[] GZIP_MAGIC = {(byte) GZIPInputStream.GZIP_MAGIC, (byte) (GZIPInputStream.GZIP_MAGIC >> 8)};

    /**
     * A file named as gzip or Avro whose first bytes say otherwise is refused, by name, before
     * anything reads it: read in a job, it failed the job with "Not in GZIP format" and no name.
     */
    private static void checkFirstBytes(Path file) {
        HistoryFormat format = HistoryFormat.of(file.getFileName().toString());
        byte[] magic = format == HistoryFormat.AVRO ? DataFileConstants.MAGIC : format.gzip() ? GZIP_MAGIC : null;
        if (magic == null) {
            return;
        }
        byte[] first;
        try (InputStream in = Files.newInputStream(file)) {
            first = in.readNBytes(magic.length);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!Arrays.equals(first, magic)) {
            throw new IllegalArgumentException(file + (format == HistoryFormat.AVRO
                    ? " is not an Avro data file, as its name says" : " is not gzip-compressed, as its name says"));
        }
    }

    public static long totalBytes(List<Path> files) {
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }
}
