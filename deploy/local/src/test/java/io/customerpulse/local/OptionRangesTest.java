package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class OptionRangesTest {
    @Test
    void boundsAreInclusive() {
        assertThatCode(() -> OptionRanges.atLeast("--runs", 1, 1)).doesNotThrowAnyException();
        assertThatThrownBy(() -> OptionRanges.atLeast("--runs", 0, 1)).hasMessage("--runs must be at least 1, not 0");
        assertThatCode(() -> OptionRanges.atMost("--port", 65_535, 65_535)).doesNotThrowAnyException();
        assertThatThrownBy(() -> OptionRanges.atMost("--port", 65_536, 65_535)).hasMessage("--port must be at most 65535, not 65536");
    }

    @Test
    void aRateMustBeAFiniteNumberAboveZero() {
        assertThatCode(() -> OptionRanges.aboveZero("--users-per-day", 0.5)).doesNotThrowAnyException();
        for (double refused : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> OptionRanges.aboveZero("--users-per-day", refused))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--users-per-day must be a number above 0, not " + refused);
        }
    }

    @Test
    void durations() {
        assertThatCode(() -> OptionRanges.longerThanZero("--speed", Duration.ofMillis(1))).doesNotThrowAnyException();
        assertThatThrownBy(() -> OptionRanges.longerThanZero("--speed", Duration.ZERO)).hasMessage("--speed must be longer than 0, not PT0S");
        assertThatThrownBy(() -> OptionRanges.longerThanZero("--duration", Duration.ofSeconds(-5)))
                .hasMessage("--duration must be longer than 0, not PT-5S");
        assertThatCode(() -> OptionRanges.notNegative("--history", Duration.ZERO)).doesNotThrowAnyException();
        assertThatThrownBy(() -> OptionRanges.notNegative("--history", Duration.ofDays(-1))).hasMessage("--history must not be negative, not PT-24H");
    }
}
