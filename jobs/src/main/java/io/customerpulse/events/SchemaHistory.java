package io.customerpulse.events;

import org.apache.avro.Schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every version of the event schemas that producers may have written, read from
 * {@code schemas/history/} on the classpath (copied there from the repository's {@code schemas/}).
 */
public final class SchemaHistory {
    public static final String RESOURCE_DIR = "schemas/history/";
    public static final String INDEX = RESOURCE_DIR + "versions.txt";

    private SchemaHistory() {}

    /** The file names listed in {@code versions.txt}, oldest first. */
    public static List<String> versionFiles() {
        List<String> files = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(open(INDEX), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    files.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Every historical schema (parsed independently, so equal names do not clash). */
    public static List<Schema> all() {
        List<Schema> schemas = new ArrayList<>();
        for (String file : versionFiles()) {
            try (InputStream in = open(RESOURCE_DIR + file)) {
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema " + file, e);
            }
        }
        return schemas;
    }

    /** The historical schemas of one record type (by full name). */
    public static List<Schema> of(String fullName) {
        return all().stream().filter(s -> s.getFullName().equals(fullName)).toList();
    }

    private static InputStream open(String resource) {
        InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("Missing classpath resource " + resource);
        }
        return in;
    }
}
