package io.customerpulse.local;

import io.customerpulse.cli.Converters;
import io.customerpulse.backfill.BackfillJob;
import io.customerpulse.cli.JobOptions;
import io.customerpulse.cli.PulseJob;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.RowCounter;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.history.HistoryWriter;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.TopicNames;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.retention.RetentionStatus;
import io.customerpulse.retention.UserRetentionRow;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.TableEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code ./pulse bench}: a fixed, seeded workload suite on this machine against a real in-process
 * Kafka broker, a real PostgreSQL and a local Flink (MiniCluster, RocksDB, checkpoints). Prints a
 * table with each figure's unit and method, the targets, and writes the figures as JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Measures throughput, latency, sink rate, state size and scaling on this machine.",
            "A fixed, seeded workload runs against a real Kafka broker and PostgreSQL; the bench prints a table and writes "
                + "the figures as JSON (path printed last). Timings are medians of --runs runs after warm-up runs (until two "
                + "runs in a row do not beat the best before them by 5%%, at most 7)."})
public final class BenchCommand implements Callable<Integer> {
    static final long START = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    static final List<BenchFigures.Target> TARGETS = List.of(
            new BenchFigures.Target("retention_live / raw_ingest", true, 0.5),
            new BenchFigures.Target("both_live / raw_ingest", true, 0.35),
            new BenchFigures.Target("retention_live / sql_equivalent", true, 1.5),
            new BenchFigures.Target("backfill / retention_live", true, 2.5),
            new BenchFigures.Target("backfill_1e5_users / retention_live_1e5_users", true, 2.5),
            new BenchFigures.Target("sink_rows", true, 50_000),
            new BenchFigures.Target("rows_per_event", false, 1.0),
            new BenchFigures.Target("latency_p99_ms", false, 1_000),
            new BenchFigures.Target("retention_state_bytes_per_user", false, 150),
            new BenchFigures.Target("retention_live_1e7_users / retention_live_1e4_users", true, 0.8));

    @Option(names = "--events", defaultValue = "200000", converter = Converters.AtLeastOne.class, description = "Events of the main workload. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--users", defaultValue = "20000", converter = Converters.AtLeastOne.class, description = "Distinct users of the main workload. Default: ${DEFAULT-VALUE}.")
    int users;

    @Option(names = "--runs", defaultValue = "3", converter = Converters.AtLeastOne.class, description = "Measured runs per figure (after the warm-up runs). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--warm-up", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Warm-up runs before the measured ones (--no-warm-up: none, for workloads whose runs last many "
                    + "minutes, where the JIT's first seconds are a small part of a run). Default: on.")
    boolean warmUp;

    @Option(names = "--parallelism", defaultValue = "2", converter = Converters.AtLeastOne.class, description = "Parallelism of every job. Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(names = "--full", description = "Also the scaling points at 10^6 and 10^7 users (long: 10^7 and 10^8 events at 10 per user).")
    boolean full;

    @Option(names = "--only", split = ",", paramLabel = "<group>",
            description = "Only these groups of figures (comma-separated): ${COMPLETION-CANDIDATES}. Latency also measures "
                    + "retention_live and the rate sustained live (its half load) unless --latency-rate is given. Default: all.")
    Set<Group> only = EnumSet.allOf(Group.class);

    /** Groups of figures that --only selects. */
    enum Group { raw_ingest, retention_live, reach_live, both_live, sql_equivalent, backfill, sink_rows, latency, state, scaling }

    @Option(names = "--latency-rate", paramLabel = "<events/s>", defaultValue = "0",
            description = "Events/s of the latency run. Default: half of the rate the job sustains live, measured first.")
    double latencyRate;

    @Parameters(arity = "0..*", paramLabel = "<job option>",
            description = "After --: options for the jobs the bench runs from Kafka (live, latency, state) and for the "
                    + "sink settings of sink_rows; not the SQL job or the backfill. E.g. -- --max-waiting-on-heap 500000. "
                    + "Each must be an option of every such job the selected figures run. Default: the jobs' defaults.")
    List<String> jobOptions = new ArrayList<>();

    @Option(names = "--out", paramLabel = "<file>", description = "Where the JSON goes. Default: .pulse/bench/bench-<time>.json.")
    Path outFile;

    PrintStream out = System.out;

    private LocalKafka kafka;
    private LocalPostgres postgres;
    private LocalFlink flink;
    private Path dir;
    private int runCounter;
    private long lastLap;

    @Override
    public Integer call() throws Exception {
        checkJobOptions();
        if (events < users) {
            throw new IllegalArgumentException("--events " + events + " is fewer than --users " + users
                    + ": a workload has at least one event per user");
        }
        if (latencyRate < 0 || !Double.isFinite(latencyRate)) {
            throw new IllegalArgumentException("--latency-rate must be a number above 0 (or 0: half the rate sustained live), not " + latencyRate);
        }
        if (outFile != null) {
            OutputLocations.fileIn("--out", outFile); // checked now, not after the suite
        }
        dir = PulseHome.runDirectory().resolve("bench");
        BenchFigures figures = new BenchFigures(out);
        long suiteStart = System.currentTimeMillis();
        lastLap = suiteStart;
        try (LocalKafka k = LocalKafka.start();
             LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"), 0);
             LocalFlink f = LocalFlink.start(2 * parallelism, dir.resolve("flink"));
             CloseOnStop stopped = new CloseOnStop(f, pg, k)) {
            kafka = k;
            postgres = pg;
            flink = f;
            postgres.emptyServingTables();
            BenchWorkload main = new BenchWorkload(7, users, events, START, 60);
            TopicNames topics = publish(main, "main");
            out.printf("Workload: %,d events of %,d users over 60 days (75%% clicks, 12%% purchases, 13%% shares), parallelism %d%n",
                    events, users, parallelism);
            lap("start-up and publishing");

            String liveHow = "events/s from the first record read to the last row written to PostgreSQL, checkpoints on (median of "
                    + runs + ")";
            if (only.contains(Group.raw_ingest)) {
                figures.put("raw_ingest", median(() -> live(topics, events, RawIngestJob::new).rate()), "events/s",
                        "Kafka source, Avro decoding, validation, watermarks, then nothing; from the first record read to the last (median of " + runs + ")");
                lap("raw_ingest");
            }
            if (only.contains(Group.retention_live) || (only.contains(Group.latency) && latencyRate <= 0)) {
                List<Double> rowsPerEvent = new ArrayList<>();
                figures.put("retention_live", median(() -> {
                    LiveRun run = live(topics, events, RetentionJob::new);
                    rowsPerEvent.add(run.rowsWritten() / (double) events);
                    return run.rate();
                }), "events/s", "retention job, " + liveHow);
                figures.put("rows_per_event", BenchFigures.median(rowsPerEvent), "rows/event",
                        "rows handed to PostgreSQL by retention_live, all three tables, per event read");
                lap("retention_live");
            }
            if (only.contains(Group.reach_live)) {
                figures.put("reach_live", median(() -> live(topics, events, ReachJob::new).rate()), "events/s", "reach job, " + liveHow);
                lap("reach_live");
            }
            if (only.contains(Group.both_live)) {
                figures.put("both_live", median(() -> live(topics, events, RetentionJob::new, ReachJob::new).rate()), "events/s",
                        "both jobs at once on the same topics, each event through both, " + liveHow);
                lap("both_live");
            }
            if (only.contains(Group.sql_equivalent)) {
                TopicNames empty = publish(new BenchWorkload(13, 0, 0, START, 1), "empty");
                figures.put("sql_equivalent", median(() -> sqlEquivalent(topics, empty, events, true)), "events/s",
                        "sql/flink/per_user_aggregates.sql (both queries, one job) into PostgreSQL through Flink's JDBC connector "
                                + "(postgres_sinks.sql: upserts, rows of a key reduced per flush, 5,000 rows or 1 s) over the same topics, "
                                + "bounded at the latest offsets, RocksDB and checkpoints; net run time minus that of the same job on empty topics");
                figures.put("sql_equivalent_no_sink", median(() -> sqlEquivalent(topics, empty, events, false)), "events/s",
                        "the same queries into blackhole tables: the computation without writing the results");
                lap("sql_equivalent");
            }
            if (only.contains(Group.backfill)) {
                Path history = writeHistory(main, "main");
                // On a cluster configured as ./pulse backfill configures its own in-process one.
                try (LocalFlink backfillFlink = LocalFlink.start(backfillJob(history, "all").inProcessConfiguration())) {
                    figures.put("backfill", median(() -> backfill(backfillFlink, history, "retention", events)), "events/s",
                            "./pulse backfill --only retention of the same events from a .jsonl.gz file (BATCH mode, hybrid shuffles) on "
                                    + "a local cluster configured as ./pulse backfill's, from the first record read to the job's end, "
                                    + "every row written (median of " + runs + ")");
                    figures.put("backfill_both", median(() -> backfill(backfillFlink, history, "all", events)), "events/s",
                            "./pulse backfill of both jobs' tables from the same file");
                }
                lap("backfill");
            }
            if (only.contains(Group.sink_rows)) {
                figures.put("sink_rows", median(() -> sinkRows(200_000)), "rows/s",
                        "200,000 distinct user_retention rows through the JDBC upsert sink (1,000 rows a statement, 5,000 a batch), net run time");
                lap("sink_rows");
            }
            if (only.contains(Group.latency)) {
                double rate = latencyRate;
                if (rate <= 0) {
                    double sustained = liveSustainedRate(figures.get("retention_live").orElseThrow().value());
                    figures.put("live_sustained", sustained, "events/s",
                            "highest rate of the latency workload, published live by the same process, that the retention job kept "
                                    + "up with (processed >= 95% of it), halving the range up to retention_live three times");
                    rate = sustained / 2;
                }
                LatencyRun latency = latency(rate, Duration.ofSeconds(20));
                figures.put("latency_p50_ms", latency.p50Ms(), "ms", String.format(
                        "event time (= wall clock at publish) to the row's recorded_at, at %,.0f events/s (%s), "
                                + "--allowed-lateness 0s --flush-interval 250ms", rate,
                        latencyRate > 0 ? "--latency-rate" : "half of live_sustained"));
                figures.put("latency_p99_ms", latency.p99Ms(), "ms", "as latency_p50_ms");
                lap("latency");
            }
            if (only.contains(Group.state)) {
                for (String job : List.of("retention", "reach")) {
                    StateFigures state = state(topics, events, users, job.equals("retention") ? RetentionJob::new : ReachJob::new);
                    figures.put(job + "_state_bytes_per_user", state.bytesPerUser(), "bytes",
                            "size of a canonical savepoint (all state: keys, values, timers; uncompressed) after the workload, / users");
                    figures.put(job + "_checkpoint_ms", state.checkpointMs(), "ms",
                            "median end-to-end duration of the job's checkpoints (2 s interval, incremental)");
                }
                lap("state");
            }
            if (only.contains(Group.scaling)) {
                scalingCurve(figures);
            }
        }
        out.printf("%nSuite time: %s%n", Duration.ofMillis(System.currentTimeMillis() - suiteStart).withNanos(0));
        figures.print(out, TARGETS);
        Path json = outFile != null ? outFile : dir.resolve("bench-" + Instant.now().toString().replace(':', '-') + ".json");
        figures.writeJson(json);
        out.println();
        out.println(json.toAbsolutePath());
        return 0;
    }

    /**
     * Prints the wall time since the previous lap: which groups of figures the suite's time goes
     * to (the default suite is meant to keep within 15 minutes here).
     */
    private void lap(String what) {
        long now = System.currentTimeMillis();
        out.printf("    [%s: %s]%n", what, RunSummary.clock(Duration.ofMillis(now - lastLap)));
        lastLap = now;
    }

    /**
     * retention_live on workloads of the main workload's shape (events per user, mix, 60 days) with
     * more and more users, so that only the number of users (and so the state) grows; at
     * {@link #BACKFILL_SCALING_USERS} users the backfill of the same events too.
     */
    private void scalingCurve(BenchFigures figures) throws Exception {
        List<Integer> sizes = new ArrayList<>(List.of(10_000, 100_000));
        if (full) {
            sizes.addAll(List.of(1_000_000, 10_000_000));
        }
        double eventsPerUser = events / (double) users;
        for (int n : sizes) {
            int workloadEvents = (int) Math.round(eventsPerUser * n);
            TopicNames scaled = publish(new BenchWorkload(11, n, workloadEvents, START, 60), "users-" + n);
            // The same job at every point: the first point's warm-up warms the later ones.
            figures.put("retention_live_" + exponent(n) + "_users", median(() -> live(scaled, workloadEvents, RetentionJob::new).rate(),
                            n == sizes.get(0)),
                    "events/s", String.format("retention job on %,d events of %,d users, timed as retention_live (median of %d)", workloadEvents, n, runs));
            lap("publishing and retention_live_" + exponent(n) + "_users");
            if (n == BACKFILL_SCALING_USERS) {
                Path history = writeHistory(new BenchWorkload(11, n, workloadEvents, START, 60), "users-" + n);
                try (LocalFlink backfillFlink = LocalFlink.start(backfillJob(history, "all").inProcessConfiguration())) {
                    // The main workload's backfill runs, when the suite has them, warmed the same code.
                    figures.put("backfill_" + exponent(n) + "_users",
                            median(() -> backfill(backfillFlink, history, "retention", workloadEvents), !only.contains(Group.backfill)),
                            "events/s",
                            String.format("backfill as `backfill` on the same %,d events of %,d users (median of %d)", workloadEvents, n, runs));
                }
                lap("backfill_" + exponent(n) + "_users");
            }
        }
    }

    /**
     * The scaling point that also gets a backfill: the backfill against the live job on a history
     * whose live runs last tens of seconds and whose state outgrows the main workload's, as the
     * histories operators backfill do (the main workload's live runs last 2 s).
     */
    static final int BACKFILL_SCALING_USERS = 100_000;

    private static String exponent(int n) {
        return "1e" + Math.round(Math.log10(n));
    }

    private interface Measurement {
        double measure() throws Exception;
    }

    /** Warm-up runs (not counted) until the rate stops rising ({@link WarmUp}), then the median of --runs runs. */
    private double median(Measurement measurement) throws Exception {
        return median(measurement, true);
    }

    private double median(Measurement measurement, boolean warmUpFirst) throws Exception {
        if (warmUp && warmUpFirst) {
            out.println("    warm-up:");
            WarmUp rule = new WarmUp();
            while (!rule.overAfter(measurement.measure())) {
                // until the rate stops rising
            }
            out.println("    measured:");
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            values.add(measurement.measure());
        }
        return BenchFigures.median(values);
    }

    // ---- workloads ----

    private TopicNames publish(BenchWorkload workload, String name) throws Exception {
        TopicNames topics = new TopicNames("bench-" + name + "-clicks", "bench-" + name + "-purchases",
                "bench-" + name + "-shares", "bench-dead-letters");
        kafka.createTopics(topics, 2);
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), topics, new Properties())) {
            workload.forEach(publisher::publish);
            publisher.flush();
        }
        return topics;
    }

    private Path writeHistory(BenchWorkload workload, String name) throws Exception {
        Path file = dir.resolve("history").resolve("bench-" + name + ".jsonl.gz");
        java.nio.file.Files.createDirectories(file.getParent());
        try (HistoryWriter writer = new HistoryWriter(file)) {
            workload.forEach(e -> {
                try {
                    writer.write(e);
                } catch (java.io.IOException ioe) {
                    throw new java.io.UncheckedIOException(ioe);
                }
            });
        }
        return file;
    }

    // ---- live runs ----

    /** A live run prints how far it got this often (runs of the larger scaling points last hours). */
    private static final Duration PROGRESS_EVERY = Duration.ofMinutes(1);
    /** A live run whose jobs read nothing for this long ends with an error. */
    private static final Duration STALL_AFTER = Duration.ofMinutes(5);

    record LiveRun(double rate, long rowsWritten) {}

    /**
     * The jobs on fresh tables and fresh consumer groups, until each has read {@code expected}
     * records and its sinks have written what those records gave: events/s from the first record
     * read (by the jobs' own clock) to the end of the sinks' last statement in PostgreSQL, the way
     * the backfill and the SQL job are timed to their end with every row written. A job without a
     * sink (raw_ingest) is timed to its last record read.
     */
    @SafeVarargs
    private LiveRun live(TopicNames topics, long expected, Supplier<? extends PulseJob>... jobs) throws Exception {
        postgres.emptyServingTables();
        List<JobID> ids = new ArrayList<>();
        int run = ++runCounter;
        Duration flushInterval = Duration.ZERO;
        for (Supplier<? extends PulseJob> job : jobs) {
            PulseJob configured = configure(job.get(), topics, "bench-" + run, List.of());
            flushInterval = Collections.max(List.of(flushInterval, configured.job.flushInterval));
            ids.add(flink.submit(configured));
        }
        try {
            ReadProgress progress = new ReadProgress(expected, System.currentTimeMillis(), PROGRESS_EVERY, STALL_AFTER);
            while (true) {
                List<Map<String, Object>> accumulators = new ArrayList<>();
                for (JobID id : ids) {
                    accumulators.add(flink.accumulators(id));
                }
                long leastRead = accumulators.stream().mapToLong(a -> number(a.get(IngestRouter.RECORDS_READ))).min().orElseThrow();
                if (leastRead >= expected) {
                    // The jobs time their own reads; accumulators only reach us with heartbeats.
                    long first = accumulators.stream().mapToLong(a -> number(a.get(IngestRouter.FIRST_READ_AT))).min().orElseThrow();
                    long lastRead = accumulators.stream().mapToLong(a -> number(a.get(IngestRouter.LAST_READ_AT))).max().orElseThrow();
                    // Twice the flush interval without a statement: no row is still waiting for a flush.
                    long end = Math.max(lastRead, SinkActivity.lastStatementEnd(postgres.appTarget(),
                            flushInterval.multipliedBy(2), Duration.ofMinutes(5)).orElse(lastRead));
                    Map<String, Long> rowsByTable = new java.util.TreeMap<>();
                    for (JobID id : ids) {
                        rowsByTable(flink.accumulators(id)).forEach((table, n) -> rowsByTable.merge(table, n, Long::sum));
                    }
                    long rows = rowsByTable.values().stream().mapToLong(Long::longValue).sum();
                    double rate = expected * 1000.0 / Math.max(1, end - first);
                    double rateToLastRead = expected * 1000.0 / Math.max(1, lastRead - first);
                    out.printf("    run %d: %,.0f events/s (%,d ms from first record read to last row written; "
                                    + "last read at %,d ms: %,.0f events/s); rows by table %s%n", run, rate, end - first,
                            lastRead - first, rateToLastRead, rowsByTable);
                    return new LiveRun(rate, rows);
                }
                progress.observe(System.currentTimeMillis(), leastRead).ifPresent(line -> out.printf("    run %d: %s%n", run, line));
                Thread.sleep(200);
            }
        } finally {
            for (JobID id : ids) {
                flink.cancelAndWait(id);
            }
        }
    }

    /**
     * The options after -- parsed now by each job the selected figures run, so that a mistyped one
     * is refused before the broker starts and the workload is published, not minutes later.
     */
    private void checkJobOptions() {
        EnumSet<Group> runRetention = EnumSet.of(Group.retention_live, Group.both_live, Group.latency, Group.sink_rows,
                Group.state, Group.scaling);
        EnumSet<Group> runReach = EnumSet.of(Group.reach_live, Group.both_live, Group.state);
        for (PulseJob job : new PulseJob[] {new RetentionJob(), new ReachJob()}) {
            boolean retention = job instanceof RetentionJob;
            if (!Collections.disjoint(only, retention ? runRetention : runReach)) {
                try {
                    new CommandLine(job).parseArgs(jobOptions.toArray(String[]::new));
                } catch (CommandLine.ParameterException e) {
                    throw new IllegalArgumentException("the option after -- is not one of the " + (retention ? "retention" : "reach")
                            + " job's: " + e.getMessage(), e);
                }
            }
        }
    }

    private <J extends PulseJob> J configure(J job, TopicNames topics, String group, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--clicks-topic", topics.clicks(), "--purchases-topic", topics.purchases(), "--shares-topic", topics.shares(),
                "--dead-letter-topic", topics.deadLetters(), "--group-id", group + "-" + job.jobName(),
                "--jdbc-url", postgres.jdbcUrl(), "--jdbc-user", LocalPostgres.APP_USER,
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                "--max-ahead", "3650d", "--parallelism", Integer.toString(parallelism)));
        args.addAll(extra);
        args.addAll(jobOptions);
        new CommandLine(job).parseArgs(args.toArray(String[]::new));
        job.jdbc.password = postgres.appTarget().password();
        return job;
    }

    /** Rows handed to each table's sink, from a job's row counters. */
    private static Map<String, Long> rowsByTable(Map<String, Object> accumulators) {
        Map<String, Long> rows = new java.util.TreeMap<>();
        String prefix = RowCounter.accumulatorName("");
        accumulators.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                rows.put(name.substring(prefix.length()), number(value));
            }
        });
        return rows;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    // ---- Flink SQL ----

    /**
     * Events/s of the per-user aggregates as Flink SQL, into PostgreSQL (as a user of it would
     * write them, and as the retention job does) or into blackhole tables: the job's net run time
     * less its fixed cost on empty topics.
     */
    private double sqlEquivalent(TopicNames topics, TopicNames emptyTopics, long expected, boolean toPostgres) throws Exception {
        long busy = sqlRunTime(topics, toPostgres);
        String written = toPostgres ? "; rows in PostgreSQL " + sqlResultRows() : "";
        long idle = sqlRunTime(emptyTopics, toPostgres);
        double rate = expected * 1000.0 / Math.max(1, busy - idle);
        out.printf("    run: %,.0f events/s (%,d ms, %,d ms on empty topics)%s%n", rate, busy, idle, written);
        return rate;
    }

    private long sqlRunTime(TopicNames topics, boolean toPostgres) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("parallelism.default", Integer.toString(parallelism));
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("execution.checkpointing.interval", "10s");
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        JobOptions.tuneRocksDb(conf);
        TableEnvironment sql = TableEnvironment.create(
                EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());
        FlinkSqlScript.createTopicTables(sql, kafka.bootstrapServers(), topics, true);
        if (toPostgres) {
            emptySqlResultTables();
            FlinkSqlScript.createPostgresSinkTables(sql, postgres.appTarget());
        }
        StatementSet queries = sql.createStatementSet();
        int query = 0;
        for (String statement : FlinkSqlScript.statements(FlinkSqlScript.directory().resolve("per_user_aggregates.sql"))) {
            if (statement.regionMatches(true, 0, "SELECT", 0, 6)) {
                Table result = sql.sqlQuery(statement);
                if (toPostgres) {
                    queries.addInsert(FlinkSqlScript.POSTGRES_SINKS.get(query++), result);
                } else {
                    queries.addInsert(TableDescriptor.forConnector("blackhole")
                            .schema(Schema.newBuilder().fromResolvedSchema(result.getResolvedSchema()).build()).build(), result);
                }
            } else {
                FlinkSqlScript.execute(sql, statement);
            }
        }
        return queries.execute().getJobClient().orElseThrow().getJobExecutionResult().get().getNetRuntime();
    }

    private Map<String, Long> sqlResultRows() throws Exception {
        Map<String, Long> rows = new java.util.TreeMap<>();
        try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement()) {
            for (String table : FlinkSqlScript.POSTGRES_RESULT_TABLES) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                    r.next();
                    rows.put(table, r.getLong(1));
                }
            }
        }
        return rows;
    }

    /** The tables of sql/flink/postgres_results.sql, created if missing, emptied. */
    private void emptySqlResultTables() throws Exception {
        FlinkSqlScript.createPostgresResultTables(postgres.appTarget());
        try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", FlinkSqlScript.POSTGRES_RESULT_TABLES));
        }
    }

    // ---- backfill, sink ----

    private BackfillJob backfillJob(Path history, String only) {
        BackfillJob backfill = new BackfillJob();
        new CommandLine(backfill).parseArgs("--input", history.toString(), "--only", only,
                "--jdbc-url", postgres.jdbcUrl(), "--jdbc-user", LocalPostgres.APP_USER,
                "--dead-letters", dir.resolve("dead-letters").toString(), "--max-ahead", "3650d",
                "--parallelism", Integer.toString(parallelism));
        backfill.jdbc.password = postgres.appTarget().password();
        return backfill;
    }

    private double backfill(LocalFlink cluster, Path history, String only, long eventCount) throws Exception {
        postgres.emptyServingTables();
        BackfillJob backfill = backfillJob(history, only);
        // A run that Flink's hybrid-shuffle race failed is run again, as ./pulse backfill does;
        // only the run that finished is timed.
        LocalFlink.FinishedJob job = HybridShuffleRace.retry(() -> {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(backfill.inProcessConfiguration());
            backfill.prepare(env);
            JobID id = cluster.submit(env);
            cluster.awaitFinished(id);
            return cluster.finishedJob(id);
        }, () -> { }, out);
        // Timed like the live runs, which start at their first record read: from the first record
        // read to the job's end, every row written. Scheduling and start-up are shown apart.
        long firstRead = number(job.accumulators().get(IngestRouter.FIRST_READ_AT));
        long processing = job.finishedAt() - firstRead;
        out.printf("    run %d: %,.0f events/s (%,d ms from first record read to the end; job run time %,d ms); rows by table %s%n",
                ++runCounter, eventCount * 1000.0 / processing, processing, job.runTime(), rowsByTable(job.accumulators()));
        return eventCount * 1000.0 / processing;
    }

    private double sinkRows(int rows) throws Exception {
        postgres.emptyServingTables();
        RetentionJob options = configure(new RetentionJob(), TopicNames.DEFAULTS, "bench-sink", List.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                options.job.flinkConfiguration("customer-pulse-bench-sink"));
        JdbcTarget target = postgres.appTarget();
        DataStream<UserRetentionRow> synthetic = env.fromSequence(0, rows - 1).uid("bench-row-numbers")
                .map(new SyntheticRow()).uid("bench-synthetic-rows")
                .returns(TypeInformation.of(UserRetentionRow.class));
        RetentionJob.inChunks(synthetic, "bench-chunk-user-rows")
                .sinkTo(RetentionTables.userRetention(target, options.job.sinkExecution())).uid("bench-user-retention-sink");
        double rate = rows * 1000.0 / flink.awaitFinished(flink.submit(env));
        out.printf("    run: %,.0f rows/s%n", rate);
        return rate;
    }

    /** A plausible user_retention row for user n. */
    private static final class SyntheticRow implements MapFunction<Long, UserRetentionRow> {
        private static final long serialVersionUID = 1L;

        @Override
        public UserRetentionRow map(Long n) {
            UserRetentionRow r = new UserRetentionRow();
            r.userId = "sink-" + n;
            r.status = RetentionStatus.ACTIVE.word();
            r.activityScore = n % 97 / 3.0;
            r.firstSeenAt = START + n;
            r.lastActiveAt = START + 86_400_000L + n;
            r.acquisitionChannel = "app";
            r.clicks = n % 50;
            r.shares = n % 7;
            r.purchases = n % 5;
            r.revenueMinor = n % 5 * 1999;
            r.riskAfterDays = 14;
            r.asOf = START + 86_400_000L + n;
            return r;
        }
    }

    // ---- latency ----

    private static final int LATENCY_EVENTS_PER_USER = 10;

    /**
     * A latency run: p50 and p99 of event time to recorded_at of each new user's first transition,
     * and the events/s the job processed while events were published (every tenth event is a new
     * user's first, so ten times the first transitions recorded per second of the publishing).
     */
    record LatencyRun(double p50Ms, double p99Ms, double processedRate) {}

    /** Publishes the latency workload live at {@code rate} events/s for {@code duration}; see {@link LatencyRun}. */
    private LatencyRun latency(double rate, Duration duration) throws Exception {
        postgres.emptyServingTables();
        String prefix = "bench-latency-" + ++runCounter;
        TopicNames topics = new TopicNames(prefix + "-clicks", prefix + "-purchases", prefix + "-shares", "bench-dead-letters");
        kafka.createTopics(topics, 2);
        JobID id = flink.submit(configure(new RetentionJob(), topics, prefix,
                List.of("--allowed-lateness", "0s", "--flush-interval", "250ms")));
        long measureFrom;
        long publishedUntil;
        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), topics, new Properties())) {
            Thread.sleep(5_000); // the job is up and reading
            long start = System.nanoTime();
            long total = (long) (rate * duration.toSeconds());
            measureFrom = System.currentTimeMillis() + 5_000; // the first seconds warm up
            EventType[] types = EventType.values();
            for (long i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                publisher.publish(latencyEvent(i, types[(int) (i % types.length)]));
            }
            publisher.flush();
            publishedUntil = System.currentTimeMillis();
            Thread.sleep(3_000);
        } finally {
            flink.cancelAndWait(id);
        }
        try (Connection c = postgres.appTarget().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), count(*),
                            count(*) FILTER (WHERE recorded_at BETWEEN to_timestamp(%1$d / 1000.0) AND to_timestamp(%2$d / 1000.0))
                     FROM (SELECT extract(epoch FROM recorded_at - transition_at) * 1000 AS ms, recorded_at FROM retention_transitions
                           WHERE from_status IS NULL AND transition_at >= to_timestamp(%1$d / 1000.0)) t""".formatted(
                     measureFrom, publishedUntil))) {
            rs.next();
            double processed = LATENCY_EVENTS_PER_USER * rs.getLong(4) * 1000.0 / Math.max(1, publishedUntil - measureFrom);
            out.printf("    run at %,.0f events/s: %,d rows measured, p50 %,.0f ms, p99 %,.0f ms; processed %,.0f events/s%n",
                    rate, rs.getLong(3), rs.getDouble(1), rs.getDouble(2), processed);
            return new LatencyRun(rs.getDouble(1), rs.getDouble(2), processed);
        }
    }

    /**
     * The most the retention job sustains live, at most {@code replayRate}: live traffic costs more
     * per event than a replay (the producer and the broker share the cores here, and each event
     * gets a watermark step, a timer and a row of its own), so the rate is searched by halving the
     * range between 0 and the replay's rate three times, each step a latency run that either kept
     * up (processed at least 95% of what was published) or fell behind.
     */
    private double liveSustainedRate(double replayRate) throws Exception {
        return highestRateKeptUp(replayRate, 3, rate -> latency(rate, Duration.ofSeconds(20)).processedRate());
    }

    /** A run at a rate: the events/s processed while that rate was offered. */
    interface RateProbe {
        double processedAt(double rate) throws Exception;
    }

    /**
     * The highest rate found to be kept up with (processed at least 95% of it) by halving the range
     * between 0 and {@code max} {@code steps} times; if no rate tried was kept up with, half of the
     * lowest one tried.
     */
    static double highestRateKeptUp(double max, int steps, RateProbe probe) throws Exception {
        double keptUp = 0;
        double fellBehind = max;
        for (int step = 0; step < steps; step++) {
            double rate = (keptUp + fellBehind) / 2;
            if (probe.processedAt(rate) >= 0.95 * rate) {
                keptUp = rate;
            } else {
                fellBehind = rate;
            }
        }
        return keptUp > 0 ? keptUp : fellBehind / 2;
    }

    /**
     * Event {@code i} of the latency run, in the main workload's proportions: every tenth event is
     * a new user's first (their first transition is what the latency is read from), the others
     * come from users seen before, so that rows per event, and so the load half of
     * {@code retention_live} stands for, match the main workload's.
     */
    private static PulseEvent latencyEvent(long i, EventType type) {
        PulseEvent e = new PulseEvent();
        e.type = type;
        e.eventId = "lat-" + i;
        long users = i / LATENCY_EVENTS_PER_USER + 1;
        e.userId = "lat-user-" + (i % LATENCY_EVENTS_PER_USER == 0 ? users - 1 : Math.floorMod(i * 2_654_435_761L, users));
        e.eventTime = System.currentTimeMillis();
        e.channel = "app";
        e.page = "/home";
        e.orderId = "lat-order-" + i;
        e.amountMinor = 1999;
        e.currency = "CNY";
        e.shareId = type == EventType.SHARE ? "lat-share-" + i : null;
        return e;
    }

    // ---- state size, checkpoints ----

    record StateFigures(double bytesPerUser, double checkpointMs) {}

    /**
     * The job's state per user: the size of a canonical savepoint (every state's keys and values
     * as Flink serializes them, timers included, uncompressed) taken after the workload, divided by
     * the users. RocksDB's own live-data estimate depends on how far compaction got and moved by a
     * factor of 5 between runs; the savepoint is what the state holds.
     */
    private StateFigures state(TopicNames topics, long expected, int users, Supplier<? extends PulseJob> job) throws Exception {
        postgres.emptyServingTables();
        JobID id = flink.submit(configure(job.get(), topics, "bench-state-" + ++runCounter,
                List.of("--checkpoint-interval", "2s")));
        try {
            while (number(flink.accumulators(id).get(IngestRouter.RECORDS_READ)) < expected) {
                Thread.sleep(200);
            }
            Thread.sleep(1_000);
            long completed = checkpointsCompleted(id);
            while (checkpointsCompleted(id) < completed + 2) {
                Thread.sleep(200);
            }
            Path savepoint = Path.of(java.net.URI.create(flink.canonicalSavepoint(id, dir.resolve("savepoints"))));
            long bytes;
            try (var files = java.nio.file.Files.walk(savepoint)) {
                bytes = files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            org.apache.flink.util.FileUtils.deleteDirectory(savepoint.toFile());
            JsonNode summary = FlinkRest.checkpoints(flink.restAddress(), id.toHexString()).path("summary");
            double checkpointMs = summary.path("end_to_end_duration").path("p50").asDouble(
                    summary.path("end_to_end_duration").path("avg").asDouble());
            return new StateFigures((double) bytes / users, checkpointMs);
        } finally {
            flink.cancelAndWait(id);
        }
    }

    private long checkpointsCompleted(JobID id) throws Exception {
        return FlinkRest.checkpoints(flink.restAddress(), id.toHexString()).path("counts").path("completed").asLong();
    }
}
