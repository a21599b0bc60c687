package io.customerpulse.local;

import io.customerpulse.cli.Converters;
import io.customerpulse.backfill.DeadLetterJsonEncoder;
import io.customerpulse.backfill.HistoryFiles;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.history.EventSorter;
import io.customerpulse.history.HistoryFormat;
import io.customerpulse.history.HistoryReader;
import io.customerpulse.ingest.IngestRecord;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code ./pulse replay}: publishes history into the event topics as producers would (Avro
 * single-object encoding, key = user_id, record timestamp = event time), in event-time order,
 * at full speed or a multiple of real time.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Publishes history files into the Kafka topics in the producers' wire format, in event-time order.",
            "Lines that cannot be read are skipped, counted by reason and written to a dead-letter file; "
                + "events the jobs would refuse (negative amounts, ...) are published: the jobs dead-letter them.",
            "Without --bootstrap-servers it publishes to the local cluster's Kafka (./pulse cluster start)."})
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "<file-or-dir>",
            description = "History files or directories (*.jsonl, *.jsonl.gz, *.avro).")
    List<Path> inputs;

    @Option(names = "--speed", defaultValue = "max", paramLabel = "max|<factor>", converter = Speed.class,
            description = "max: as fast as possible; a number: that many seconds of event time per second (3600 = an hour a second). Default: ${DEFAULT-VALUE}.")
    double speed;

    /** --speed: max (infinitely many seconds of event time a second) or a finite factor above 0. */
    static final class Speed implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.strip().equalsIgnoreCase("max")) {
                return Double.POSITIVE_INFINITY;
            }
            try {
                return new Converters.AboveZero().convert(value);
            } catch (CommandLine.TypeConversionException notAFactor) {
                throw new CommandLine.TypeConversionException("'" + value + "' is neither max nor a number above 0 (e.g. 3600)");
            }
        }
    }

    @Option(names = "--sort-run", defaultValue = "1000000", converter = Converters.AtLeastOne.class,
            description = "Events sorted in memory at a time; larger inputs are sorted through temporary files. Default: ${DEFAULT-VALUE}.")
    int sortRun;

    @Option(names = "--dead-letters", paramLabel = "<file>",
            description = "Where lines that cannot be read go (JSON lines). Default: .pulse/replay/dead-letters-<time>.jsonl.")
    Path deadLetters;

    @Mixin LocalKafkaOptions kafka = new LocalKafkaOptions();

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (deadLetters != null) {
            OutputLocations.fileIn("--dead-letters", deadLetters);
        }
        List<Path> files = HistoryFiles.resolve(inputs);
        String bootstrap = kafka.bootstrapServers(LocalCluster.current());
        KafkaPreflight.check(bootstrap, kafka.clientProperties(), kafka.topics().eventTopics(), KafkaPreflight.TIMEOUT);
        if (deadLetters == null) {
            deadLetters = PulseHome.runDirectory().resolve("replay")
                    .resolve("dead-letters-" + Instant.now().toString().replace(':', '-') + ".jsonl");
        }
        long start = System.currentTimeMillis();
        Map<String, Long> skipped = new TreeMap<>();
        try (EventSorter sorter = new EventSorter(sortRun, PulseHome.runDirectory().resolve("replay").resolve("sort"))) {
            long read = readAll(files, sorter, skipped);
            String pace = speed == Double.POSITIVE_INFINITY
                    ? "" : " at " + java.math.BigDecimal.valueOf(speed).stripTrailingZeros().toPlainString() + "x real time";
            out.printf("Read %,d records from %d file(s); publishing %,d events to %s%s%n", read, files.size(),
                    sorter.size(), bootstrap, pace);
            long published = publish(sorter.size(), sorter.sorted(), bootstrap, speed, start);
            Duration wall = Duration.ofMillis(System.currentTimeMillis() - start);
            out.println();
            out.printf("Replay finished in %s: %,d records read, %,d events published, %,.0f events/s%n",
                    RunSummary.clock(wall), read, published, published / Math.max(0.001, wall.toMillis() / 1000.0));
            long skippedTotal = skipped.values().stream().mapToLong(Long::longValue).sum();
            out.printf("  skipped          %,14d%s%n", skippedTotal, skipped.isEmpty() ? "" : "  " + skipped);
            if (skippedTotal > 0) {
                out.println("  dead letters in  " + deadLetters);
            }
        }
        return 0;
    }

    private long readAll(List<Path> files, EventSorter sorter, Map<String, Long> skipped) throws Exception {
        long read = 0;
        DeadLetterJsonEncoder encoder = new DeadLetterJsonEncoder();
        OutputStream deadLetterFile = null;
        try {
            for (Path file : files) {
                try (InputStream raw = Files.newInputStream(file);
                     HistoryReader reader = HistoryReader.open(file.toString(), raw,
                             HistoryFormat.of(file.getFileName().toString()), null)) {
                    IngestRecord r;
                    while ((r = reader.next()) != null) {
                        read++;
                        if (r.isEvent() && r.event.userId != null && r.event.eventId != null) {
                            sorter.add(r.event);
                        } else if (r.isEvent()) {
                            skipped.merge("missing_field", 1L, Long::sum);
                        } else {
                            skipped.merge(r.deadLetter.reason, 1L, Long::sum);
                            if (deadLetterFile == null) {
                                Files.createDirectories(deadLetters.toAbsolutePath().getParent());
                                deadLetterFile = new BufferedOutputStream(Files.newOutputStream(deadLetters));
                            }
                            encoder.encode(r.deadLetter, deadLetterFile);
                        }
                    }
                }
            }
        } finally {
            if (deadLetterFile != null) {
                deadLetterFile.close();
            }
        }
        return read;
    }

    private long publish(long total, Iterator<PulseEvent> sorted, String bootstrap, double factor, long start)
            throws InterruptedException {
        long published = 0;
        long firstEventTime = Long.MIN_VALUE;
        long publishStart = System.currentTimeMillis();
        long nextProgress = publishStart + RunSummary.PROGRESS_EVERY_MS;
        try (EventPublisher publisher = new EventPublisher(bootstrap, kafka.topics(), kafka.clientProperties())) {
            while (sorted.hasNext()) {
                PulseEvent e = sorted.next();
                if (firstEventTime == Long.MIN_VALUE) {
                    firstEventTime = e.eventTime;
                }
                if (factor != Double.POSITIVE_INFINITY) {
                    long due = publishStart + (long) ((e.eventTime - firstEventTime) / factor);
                    long wait = due - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                publisher.publish(e);
                published++;
                long now = System.currentTimeMillis();
                if (now >= nextProgress) {
                    nextProgress = now + RunSummary.PROGRESS_EVERY_MS;
                    RunSummary.progress(out, RunSummary.Stage.REPLAY, Duration.ofMillis(now - start), published, published / (double) total);
                }
            }
            publisher.flush();
        }
        return published;
    }
}
