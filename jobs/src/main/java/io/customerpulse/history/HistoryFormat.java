package io.customerpulse.history;

import java.util.Locale;

/** The history file formats a backfill or replay reads, told by file name. */
public enum HistoryFormat {
    JSON_LINES(false),
    JSON_LINES_GZIP(true),
    AVRO(false);

    private final boolean gzip;

    HistoryFormat(boolean gzip) {
        this.gzip = gzip;
    }

    public boolean gzip() {
        return gzip;
    }

    /** The format of a file by its name, or null if it is not a history file. */
    public static HistoryFormat of(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl.gz") || name.endsWith(".json.gz")) {
            return JSON_LINES_GZIP;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return JSON_LINES;
        }
        if (name.endsWith(".avro")) {
            return AVRO;
        }
        return null;
    }
}
