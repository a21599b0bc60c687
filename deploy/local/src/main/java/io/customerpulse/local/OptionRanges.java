package io.customerpulse.local;

import java.time.Duration;

/**
 * Checks of the numbers and durations operators give, before a command starts anything: a value
 * out of range ran away or did nothing instead (`generate --users-per-day 0` wrote gigabytes of
 * overflowed event times, `demo --summary-every 0` printed in a tight loop, `bench --runs 0` ran
 * its warm-up and then took the median of nothing). A refusal is an {@link IllegalArgumentException},
 * one line with exit code 2 ({@code PulseCli}).
 */
final class OptionRanges {
    private OptionRanges() {}

    static void atLeast(String option, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(option + " must be at least " + least + ", not " + value);
        }
    }

    static void atMost(String option, long value, long most) {
        if (value > most) {
            throw new IllegalArgumentException(option + " must be at most " + most + ", not " + value);
        }
    }

    /** A finite number above zero: NaN and infinity are refused with zero and below. */
    static void aboveZero(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a number above 0, not " + value);
        }
    }

    static void longerThanZero(String option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be longer than 0, not " + value);
        }
    }

    static void notNegative(String option, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative, not " + value);
        }
    }
}
