package io.customerpulse.local;

import io.customerpulse.cli.Converters;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.history.HistoryWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    PrintStream console = System.out;

    @Override
    public Integer call() throws Exception {
        OutputLocations.fileIn("--out", out);
        long from = start.toEpochMilli();
        long until = from + Duration.ofDays(days).toMillis();
        NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(seed, from, usersPerDay), seed,
                noise ? NoisyTraffic.Noise.REALISTIC : NoisyTraffic.Noise.NONE);
        // Written beside the file under another name and moved over it when complete: a run that
        // fails or is stopped (Ctrl-C) leaves no half-written history, and the file it would have
        // replaced stays as it was.
        Path target = out.toAbsolutePath();
        Path partial = target.resolveSibling(".partial-" + target.getFileName());
        long startedAt = System.currentTimeMillis();
        long written;
        try (CloseOnStop stopped = new CloseOnStop(() -> Files.deleteIfExists(partial))) {
            written = write(traffic, from, until, partial, startedAt);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        console.printf("Wrote %,d records to %s in %s%n", written, target,
                RunSummary.clock(Duration.ofMillis(System.currentTimeMillis() - startedAt)));
        return 0;
    }

    /** The traffic up to {@code until} into {@code file}, with a progress line every two seconds; the records written. */
    private long write(NoisyTraffic traffic, long from, long until, Path file, long startedAt) throws IOException {
        EventCodec codec = new EventCodec();
        long[] written = {0};
        long[] nextProgress = {startedAt + RunSummary.PROGRESS_EVERY_MS};
        try (HistoryWriter writer = new HistoryWriter(file)) {
            traffic.emitUntil(until, Integer.MAX_VALUE, record -> {
                try {
                    writer.writeRaw(toLine(record, codec));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                written[0]++;
                long now = System.currentTimeMillis();
                if (now >= nextProgress[0]) {
                    nextProgress[0] = now + RunSummary.PROGRESS_EVERY_MS;
                    double done = Math.min(1, Math.max(0, (record.eventTime() - from) / (double) (until - from)));
                    RunSummary.progress(console, RunSummary.Stage.GENERATE, Duration.ofMillis(now - startedAt), written[0], done);
                }
            });
        }
        return written[0];
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
