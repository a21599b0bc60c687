package io.customerpulse.local;

import java.time.Duration;
import java.util.Optional;

/**
 * Watches how many records a bench run's jobs have read. A run is given as long as it keeps
 * reading, not a fixed deadline: the 10^7-user point of {@code --full} reads 10^8 events, more
 * than two hours here, while a job that stopped reading should end the run within minutes. And
 * a long run says how far it got, once a {@code reportEvery}, with the rate since the line before,
 * so that whoever waits for it sees the rate as the state grows.
 */
final class ReadProgress {
    private final long expected;
    private final long reportEveryMs;
    private final long stallAfterMs;
    private long lastRead;
    private long lastGrowthAt;
    private long lastReportAt;
    private long lastReportRead;

    /** {@code startMillis}: when the jobs were submitted, with nothing read yet. */
    ReadProgress(long expected, long startMillis, Duration reportEvery, Duration stallAfter) {
        this.expected = expected;
        this.reportEveryMs = reportEvery.toMillis();
        this.stallAfterMs = stallAfter.toMillis();
        this.lastGrowthAt = startMillis;
        this.lastReportAt = startMillis;
    }

    /**
     * One look at the records read so far: a progress line when one is due, else nothing.
     *
     * @throws IllegalStateException when no record was read for {@code stallAfter}
     */
    Optional<String> observe(long nowMillis, long recordsRead) {
        if (recordsRead > lastRead) {
            lastRead = recordsRead;
            lastGrowthAt = nowMillis;
        } else if (nowMillis - lastGrowthAt >= stallAfterMs) {
            throw new IllegalStateException(String.format("The jobs read no record for %s (%,d of %,d read)",
                    RunSummary.clock(Duration.ofMillis(nowMillis - lastGrowthAt)), recordsRead, expected));
        }
        if (nowMillis - lastReportAt < reportEveryMs) {
            return Optional.empty();
        }
        double rate = (recordsRead - lastReportRead) * 1000.0 / (nowMillis - lastReportAt);
        String line = String.format("%,d of %,d records read (%.0f%%), %,.0f events/s in the last %s",
                recordsRead, expected, 100.0 * recordsRead / expected, rate,
                RunSummary.clock(Duration.ofMillis(nowMillis - lastReportAt)));
        lastReportAt = nowMillis;
        lastReportRead = recordsRead;
        return Optional.of(line);
    }
}
