package io.customerpulse.local;

import io.customerpulse.flink.EventAdmission;
import io.customerpulse.flink.RowCounter;
import io.customerpulse.ingest.DeadLetterCounter;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.retention.UserRetentionFunction;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a long run reports: progress while it runs and a summary at the end, from the job's accumulators. */
final class RunSummary {
    static final List<String> TABLES =
            List.of("user_retention", "retention_transitions", "retention_cohorts", "wom_reach", "wom_daily");

    private RunSummary() {}

    static long get(Map<String, Object> accumulators, String name) {
        Object v = accumulators.get(name);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /** What a progress line counts, and what comes once all input is through. */
    enum Stage {
        BACKFILL("events", "read", "of input", "all input read, writing tables"),
        REPLAY("events", "published", "of input", "all handed to Kafka, waiting for its acknowledgements"),
        GENERATE("records", "written", "of the days", "all written, closing the file");

        final String unit;
        final String counted;
        final String ofWhat;
        final String whenAllThrough;

        Stage(String unit, String counted, String ofWhat, String whenAllThrough) {
            this.unit = unit;
            this.counted = counted;
            this.ofWhat = ofWhat;
            this.whenAllThrough = whenAllThrough;
        }
    }

    /** How often a long run prints its progress line. */
    static final long PROGRESS_EVERY_MS = 2_000;

    /** One progress line: events read (or published, or records written), rate, share of the input done and the time left. */
    static void progress(PrintStream out, Stage stage, Duration elapsed, long events, double fractionDone) {
        double rate = events / Math.max(0.001, elapsed.toMillis() / 1000.0);
        String done = fractionDone < 0 ? "" : String.format(" | %5.1f%% %s", 100 * fractionDone, stage.ofWhat);
        String left = "";
        if (fractionDone > 0.01 && fractionDone < 1) {
            long leftMs = (long) (elapsed.toMillis() * (1 - fractionDone) / fractionDone);
            left = " | about " + clock(Duration.ofMillis(leftMs)) + " left";
        } else if (fractionDone >= 1) {
            left = " | " + stage.whenAllThrough;
        }
        out.printf("[%s] %,d %s %s | %,.0f %s/s%s%s%n", clock(elapsed), events, stage.unit, stage.counted, rate, stage.unit, done, left);
    }

    static void summary(PrintStream out, String what, Duration wall, Map<String, Object> acc, String deadLetterPlace) {
        long read = get(acc, IngestRouter.RECORDS_READ);
        Map<String, Long> byReason = new TreeMap<>();
        acc.forEach((name, value) -> {
            String prefix = DeadLetterCounter.accumulatorName("");
            if (name.startsWith(prefix) && value instanceof Number n && n.longValue() > 0) {
                byReason.put(name.substring(prefix.length()), n.longValue());
            }
        });
        long deadLettered = byReason.values().stream().mapToLong(Long::longValue).sum();
        out.println();
        out.printf("%s finished in %s: %,d records, %,.0f records/s%n", what, clock(wall), read,
                read / Math.max(0.001, wall.toMillis() / 1000.0));
        out.printf("  records read     %,14d%n", read);
        out.printf("  events accepted  %,14d%n", get(acc, IngestRouter.EVENTS_ACCEPTED));
        out.printf("  duplicates       %,14d%n", get(acc, EventAdmission.duplicatesAccumulator("retention")));
        long after = get(acc, UserRetentionFunction.EVENTS_AFTER_CLOCK_END);
        if (after > 0) {
            out.printf("  after --as-of    %,14d  (ignored)%n", after);
        }
        out.printf("  dead-lettered    %,14d%s%n", deadLettered, byReason.isEmpty() ? "" : "  " + byReason);
        StringBuilder rows = new StringBuilder();
        for (String table : TABLES) {
            rows.append(String.format("%n    %-22s %,12d", table, get(acc, RowCounter.accumulatorName(table))));
        }
        out.println("  rows written:" + rows);
        if (deadLettered > 0 && deadLetterPlace != null) {
            out.println("  dead letters in  " + deadLetterPlace);
        }
    }

    static String clock(Duration d) {
        return d.toHours() > 0 ? String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
    }
}
