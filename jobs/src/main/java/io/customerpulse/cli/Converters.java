package io.customerpulse.cli;

import io.customerpulse.time.Durations;

import picocli.CommandLine;

import java.math.BigDecimal;
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

    /** A duration longer than 0: a rate of simulated time, an interval something is done at. */
    public static final class LongerThanZero implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = new DurationConverter().convert(value);
            if (duration.isZero()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is no time; give more than 0 (e.g. 5s)");
            }
            return duration;
        }
    }

    /** A finite number above 0 (a rate): 0, below, NaN and infinity refused. */
    public static final class AboveZero implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double x;
            try {
                x = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number");
            }
            if (!(x > 0) || Double.isInfinite(x)) {
                throw new CommandLine.TypeConversionException("must be a number above 0, not " + value);
            }
            return x;
        }
    }

    /** An exchange rate, the RATE of {@code --fx-rate CODE=RATE}: a decimal number above 0. */
    public static final class ExchangeRate implements CommandLine.ITypeConverter<BigDecimal> {
        @Override
        public BigDecimal convert(String value) {
            BigDecimal rate;
            try {
                rate = new BigDecimal(value.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a rate; give a decimal number (e.g. USD=7.10)");
            }
            if (rate.signum() <= 0) {
                throw new CommandLine.TypeConversionException("must be a rate above 0, not " + value);
            }
            return rate;
        }
    }

    /** A TCP port, or 0 for one the operating system picks. */
    public static final class PortOrZero implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port = wholeNumber(value);
            if (port < 0 || port > 65_535) {
                throw new CommandLine.TypeConversionException("must be a port from 1 to 65535, or 0 for a free one, not " + port);
            }
            return port;
        }
    }

    private static int wholeNumber(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
        }
    }

    /** A count of at least 1 (a parallelism, a batch size): 0 or less failed inside Flink with its own words. */
    public static final class AtLeastOne implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = wholeNumber(value);
            if (n < 1) {
                throw new CommandLine.TypeConversionException("must be at least 1, not " + n);
            }
            return n;
        }
    }
}
