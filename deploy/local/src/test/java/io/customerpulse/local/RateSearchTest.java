package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The search behind the bench's live_sustained, against jobs whose limits are known. */
class RateSearchTest {

    @Test
    void findsTheLimitOfAJobThatKeepsUpTo30000EventsPerSecond() throws Exception {
        List<Double> tried = new ArrayList<>();
        double found = BenchCommand.highestRateKeptUp(80_000, 3, rate -> {
            tried.add(rate);
            return Math.min(rate, 30_000);
        });
        // 40,000 falls behind (30,000 < 38,000), 20,000 keeps up, 30,000 keeps up.
        assertThat(tried).containsExactly(40_000.0, 20_000.0, 30_000.0);
        assertThat(found).isEqualTo(30_000.0);
    }

    @Test
    void processingNinetyFivePercentOfTheRateCountsAsKeepingUp() throws Exception {
        // 40,000 -> 38,000 processed: kept up; 60,000 -> 57,000: kept up; 70,000 -> 66,500: kept up.
        assertThat(BenchCommand.highestRateKeptUp(80_000, 3, rate -> 0.95 * rate)).isEqualTo(70_000.0);
        assertThat(BenchCommand.highestRateKeptUp(80_000, 3, rate -> 0.94 * rate)).isEqualTo(5_000.0);
    }

    @Test
    void aJobThatNeverKeepsUpGetsHalfOfTheLowestRateTried() throws Exception {
        // Tried: 40,000, 20,000, 10,000; none kept up.
        assertThat(BenchCommand.highestRateKeptUp(80_000, 3, rate -> 1_000)).isEqualTo(5_000.0);
    }
}
