package io.customerpulse.cli;

import io.customerpulse.time.Durations;

import picocli.CommandLine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** picocli converters for the option types the commands share. */
public final class Converters {
    private Converters() {}

    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }

    public static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return Instant.parse(value);
        }
    }

    public static final class ZoneConverter implements CommandLine.ITypeConverter<ZoneId> {
        @Override
        public ZoneId convert(String value) {
            return ZoneId.of(value);
        }
    }
}
