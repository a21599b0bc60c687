package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

/** A bench run's watch over the records read: a line a minute, and an error once reading stops. */
class ReadProgressTest {
    private static final long START = 1_000_000L;

    private final ReadProgress progress = new ReadProgress(1_000_000, START, Duration.ofMinutes(1), Duration.ofMinutes(5));

    @Test
    void reportsOnceAMinuteWithTheRateSinceTheLineBefore() {
        assertThat(progress.observe(START + 30_000, 100_000)).isEmpty();
        // 250,000 records in the first 60 s: 4,166.67 events/s, a quarter of the run.
        assertThat(progress.observe(START + 60_000, 250_000))
                .contains("250,000 of 1,000,000 records read (25%), 4,167 events/s in the last 1:00");
        assertThat(progress.observe(START + 90_000, 300_000)).isEmpty();
        // 350,000 more in the 75 s since that line: 4,666.67 events/s.
        assertThat(progress.observe(START + 135_000, 600_000))
                .contains("600,000 of 1,000,000 records read (60%), 4,667 events/s in the last 1:15");
    }

    @Test
    void aRunThatKeepsReadingSlowlyIsNeverStopped() {
        // One record every four minutes: slow, but never five minutes without one.
        for (int minute = 4; minute <= 400; minute += 4) {
            progress.observe(START + minute * 60_000L, minute / 4);
        }
    }

    @Test
    void fiveMinutesWithoutARecordReadEndTheRun() {
        progress.observe(START + 60_000, 10);
        progress.observe(START + 60_000 + 299_000, 10);
        assertThatThrownBy(() -> progress.observe(START + 60_000 + 300_000, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The jobs read no record for 5:00 (10 of 1,000,000 read)");
    }

    @Test
    void jobsThatNeverStartReadingEndTheRunFiveMinutesAfterSubmission() {
        progress.observe(START + 299_000, 0);
        assertThatThrownBy(() -> progress.observe(START + 300_000, 0)).isInstanceOf(IllegalStateException.class);
    }
}
