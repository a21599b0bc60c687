package io.customerpulse.cli;

import io.customerpulse.time.Durations;

import picocli.CommandLine;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** picocli converters for the option types the commands share. */
public final class Converters {
    private Converters() {}

    /**
     * Durations as {@link Durations#parse} reads them, never negative: no option here takes one, and
     * a negative one failed deep inside Flink ("windows must not be negative") instead of here.
     */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration;
            try {
                duration = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (duration.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative; give 0 or more (e.g. 5m)");
            }
            return duration;
        }
    }

    public static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not an ISO-8601 instant in UTC (e.g. 2025-01-01T00:00:00Z)");
            }
        }
    }

    public static final class ZoneConverter implements CommandLine.ITypeConverter<ZoneId> {
        @Override
        public ZoneId convert(String value) {
            try {
                return ZoneId.of(value);
            } catch (DateTimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a time zone (e.g. UTC, Asia/Shanghai, +08:00)");
            }
        }
    }

    /** A count of at least 1 (a parallelism, a batch size): 0 or less failed inside Flink with its own words. */
    public static final class AtLeastOne implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new CommandLine.TypeConversionException("must be at least 1, not " + n);
            }
            return n;
        }
    }
}
