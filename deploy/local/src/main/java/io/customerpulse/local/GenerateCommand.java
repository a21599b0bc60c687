package io.customerpulse.local;

import io.customerpulse.cli.Converters;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.history.HistoryWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code ./pulse generate}: a history file of realistic, reproducible traffic, to try backfills and replays. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = "Writes generated history (the demo's traffic) as JSON Lines, gzip-compressed if the name ends in .gz.")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "<file>", description = "The file to write (.jsonl or .jsonl.gz).")
    Path out;

    @Option(names = "--start", defaultValue = "2025-01-01T00:00:00Z", converter = Converters.InstantConverter.class,
            description = "Event time of the first events. Default: ${DEFAULT-VALUE}.")
    Instant start;

    @Option(names = "--days", defaultValue = "90", converter = Converters.AtLeastOne.class, description = "Days of history. Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--users-per-day", defaultValue = "150", converter = Converters.AboveZero.class, description = "New users per day. Default: ${DEFAULT-VALUE}.")
    double usersPerDay;

    @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--noise", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Include duplicates, out-of-order, late and poison records (as bad lines). Default: ${DEFAULT-VALUE}.")
    boolean noise;

    @Override
    public Integer call() throws Exception {
        OutputLocations.fileIn("--out", out);
        long from = start.toEpochMilli();
        NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(seed, from, usersPerDay), seed,
                noise ? NoisyTraffic.Noise.REALISTIC : NoisyTraffic.Noise.NONE);
        EventCodec codec = new EventCodec();
        try (HistoryWriter writer = new HistoryWriter(out)) {
            traffic.emitUntil(from + Duration.ofDays(days).toMillis(), Integer.MAX_VALUE, record -> {
                try {
                    writer.writeRaw(toLine(record, codec));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        System.out.println("Wrote " + out.toAbsolutePath());
        return 0;
    }

    /** A record as a history line: events as JSON, garbage as it is (a bad line). */
    static String toLine(NoisyTraffic.WireRecord record, EventCodec codec) {
        try {
            return HistoryWriter.line(EventMapper.toPulseEvent(codec.decode(record.type(), record.value())));
        } catch (EventCodec.DecodeException garbage) {
            return new String(record.value(), StandardCharsets.UTF_8);
        }
    }
}
