package io.customerpulse.backfill;

import io.customerpulse.cli.Converters;
import io.customerpulse.cli.EventTimeOptions;
import io.customerpulse.cli.JdbcOptions;
import io.customerpulse.cli.JobOptions;
import io.customerpulse.cli.BackfillKafkaOptions;
import io.customerpulse.cli.ReachOptions;
import io.customerpulse.cli.RetentionOptions;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.JobControl;
import io.customerpulse.history.HistoryFileFormat;
import io.customerpulse.history.HistoryFormat;
import io.customerpulse.ingest.DeadLetterCounter;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.KafkaEventDeserializer;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.reach.ReachSinks;
import io.customerpulse.retention.BgNbdParameters;
import io.customerpulse.retention.FittedModelPoller;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.retention.RetentionSinks;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;
import io.customerpulse.sink.ServingSchema;
import io.customerpulse.sink.WomTables;

import org.apache.flink.api.common.BatchShuffleMode;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A backfill: history from files or a bounded range of the Kafka topics, through both jobs'
 * dataflows at once, into the serving tables, in Flink's BATCH mode.
 *
 * <p>BATCH mode sorts each keyed input by key and event time and fires every timer of a key at
 * the end of its input, so the input need not be sorted and nothing is late. The clock ends at
 * --as-of or, without it, at the newest event: that instant reaches every operator on the
 * broadcast control input (read before the keyed input in BATCH mode), and timers beyond it are
 * ignored, just as a live job's watermark stands there. So the tables equal those of a live run
 * over the same events once its watermark has reached the same instant. With --as-of, events
 * after it are ignored and every user gets a final row evaluated at it.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Fills the serving tables from history: files (JSON Lines, gzip or not, Avro) or a bounded range of the Kafka topics.",
            "The same events give the same tables as live processing; input need not be sorted."})
public class BackfillJob implements Callable<Integer> {
    public static final String JOB_NAME = "customer-pulse-backfill";
    /** The shuffle of in-process backfills, and of clusters configured for fast backfills. */
    static final BatchShuffleMode HYBRID_SHUFFLE = BatchShuffleMode.ALL_EXCHANGES_HYBRID_SELECTIVE;

    @Option(names = "--input", paramLabel = "<file-or-dir>", arity = "1..*",
            description = "History files or directories (searched recursively for *.jsonl, *.jsonl.gz, *.avro).")
    public List<java.nio.file.Path> inputs = new ArrayList<>();

    @Option(names = "--as-of", paramLabel = "<ISO-8601 instant>", converter = Converters.InstantConverter.class,
            description = "End the event-time clock here: later events are ignored and every figure is as of this instant. Default: the newest event.")
    public Instant asOf;

    @Option(names = "--from-kafka", description = "Read a bounded range of the Kafka topics instead of files.")
    public boolean fromKafka;

    @Option(names = "--start", paramLabel = "<instant>", converter = Converters.InstantConverter.class,
            description = "With --from-kafka: the first records, by Kafka record timestamp. Default: the earliest.")
    public Instant kafkaStart;

    @Option(names = "--end", paramLabel = "<instant>", converter = Converters.InstantConverter.class,
            description = "With --from-kafka: stop before records with a later Kafka record timestamp. Default: the latest at start.")
    public Instant kafkaEnd;

    /** Which jobs' tables a backfill writes. */
    public enum Tables { all, retention, reach }

    @Option(names = "--only", paramLabel = "<retention|reach>", defaultValue = "all",
            description = "Rebuild only the retention tables or only the word-of-mouth tables. Default: both.")
    public Tables only = Tables.all;

    @Option(names = "--dead-letters", paramLabel = "<dir>",
            description = "Directory for the dead-letter file (JSON lines: reason, detail, source, position, the original record). Default: .pulse/backfill/dead-letters-<time>.")
    public java.nio.file.Path deadLetters;

    @Mixin public BackfillKafkaOptions kafka = new BackfillKafkaOptions();
    @Mixin public JdbcOptions jdbc = new JdbcOptions();
    @Mixin public EventTimeOptions eventTime = new EventTimeOptions();
    @Mixin public RetentionOptions retention = new RetentionOptions();
    @Mixin public ReachOptions reach = new ReachOptions();
    @Mixin public JobOptions job = new JobOptions();

    /** Set by an in-process runner to follow the bytes read (see HistoryProgress). */
    public String progressRun;

    public static void main(String[] args) {
        int exitCode = new picocli.CommandLine(new BackfillJob()).execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    @Override
    public Integer call() throws Exception {
        run(StreamExecutionEnvironment.getExecutionEnvironment(configuration()));
        return 0;
    }

    /**
     * BATCH mode, no checkpoints, the job's own settings otherwise; the shuffle mode is the
     * cluster's (see {@link #inProcessConfiguration}).
     */
    public Configuration configuration() {
        Configuration conf = job.flinkConfiguration(JOB_NAME);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        // Every stage runs at the job's parallelism. Flink would otherwise size each stage from
        // its input once that input is complete, which makes every consumer wait for its
        // producers to finish, even with a hybrid shuffle.
        conf.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        return conf;
    }

    /**
     * Task slots of an in-process backfill per parallel instance: enough for a task of every
     * stage (BATCH mode gives each stage a slot sharing group of its own, and hybrid shuffles
     * allow no other), so that all stages run at once. {@code BackfillJobGraphTest} checks that
     * the backfill has no more stages.
     */
    public static final int IN_PROCESS_SLOTS_PER_INSTANCE = 16;
    /**
     * Managed memory per slot of an in-process backfill, unless --sort-memory says otherwise: each
     * keyed stage sorts its input in the managed memory of its slot and spills to disk beyond it.
     * Allocated only when a sort uses it.
     */
    public static final String IN_PROCESS_SORT_MEMORY = "64m";
    /** {@link #IN_PROCESS_SORT_MEMORY} as a size. */
    public static final MemorySize IN_PROCESS_MANAGED_MEMORY_PER_SLOT = MemorySize.parse(IN_PROCESS_SORT_MEMORY);
    /** Shuffle buffers per slot of an in-process backfill. */
    public static final MemorySize IN_PROCESS_NETWORK_MEMORY_PER_SLOT = MemorySize.ofMebiBytes(4);

    /** The sorts' memory per slot of an in-process run; ./pulse backfill takes it from --sort-memory. */
    protected MemorySize inProcessSortMemoryPerSlot() {
        return IN_PROCESS_MANAGED_MEMORY_PER_SLOT;
    }

    /** Where an in-process run spills, or null for Flink's default; ./pulse backfill takes it from --spill-dir. */
    protected java.nio.file.Path inProcessSpillDirectory() {
        return null;
    }

    /**
     * {@link #configuration()} for a run on an in-process Flink built from it (./pulse backfill):
     * hybrid shuffles, uncompressed, a slot for every task.
     *
     * <p>With Flink's default blocking shuffles each stage starts when the one before has
     * finished, so the table writers and the cohort counter waited for the whole user timeline.
     * A hybrid shuffle lets a consumer read what its producer has written so far (spilling to
     * disk only when memory runs short), so the stages overlap: the newest event time is found
     * while the files are read, and cohorts are counted while the timeline runs. The results do
     * not change: BATCH semantics (sorted keyed inputs, broadcast input first) come from the
     * operators, not the shuffle. Stages overlap only if each task has a slot: Flink's local
     * default is one slot per parallel instance, which ran the stages one after the other.
     * Shuffled data stays in this process, so compressing it (Flink's default, LZ4) only costs
     * CPU. A TaskManager serves hybrid shuffles only if its own configuration names them (Flink
     * creates the tiered storage they need at start-up), so a job submitted to a cluster takes
     * the cluster's {@code execution.batch-shuffle-mode} rather than setting it.
     */
    public Configuration inProcessConfiguration() {
        Configuration conf = configuration();
        conf.set(ExecutionOptions.BATCH_SHUFFLE_MODE, HYBRID_SHUFFLE);
        conf.set(NettyShuffleEnvironmentOptions.SHUFFLE_COMPRESSION_CODEC, NettyShuffleEnvironmentOptions.CompressionCodec.NONE);
        int parallelism = job.parallelism != null ? job.parallelism : Runtime.getRuntime().availableProcessors();
        int slots = IN_PROCESS_SLOTS_PER_INSTANCE * parallelism;
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, inProcessSortMemoryPerSlot().multiply(slots));
        if (inProcessSpillDirectory() != null) {
            conf.set(CoreOptions.TMP_DIRS, inProcessSpillDirectory().toAbsolutePath().toString());
        }
        // Every task runs at once and each needs its own shuffle buffers: Flink's local default
        // of 64 MB ran out from parallelism 32 on.
        MemorySize network = IN_PROCESS_NETWORK_MEMORY_PER_SLOT.multiply(slots);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
        return conf;
    }

    /** Creates missing tables, defines the backfill in {@code env} and runs it to the end. */
    public JobExecutionResult run(StreamExecutionEnvironment env) throws Exception {
        prepare(env);
        return env.execute(JOB_NAME);
    }

    /** Creates missing tables and defines the backfill in {@code env}. */
    public void prepare(StreamExecutionEnvironment env) throws Exception {
        checkSelection();
        JdbcTarget target = jdbc.target();
        if (jdbc.createSchema) {
            ServingSchema.ensure(target);
        }
        define(env, target, FittedModelPoller.newest(target));
    }

    /** Refuses a selection of history that names no input, or Kafka bounds that select nothing or go with files. */
    public void checkSelection() {
        if (inputs.isEmpty() != fromKafka) {
            throw new IllegalArgumentException("Give either --input <file-or-dir>... or --from-kafka");
        }
        if (!fromKafka && (kafkaStart != null || kafkaEnd != null)) {
            throw new IllegalArgumentException("--start and --end select Kafka records: they go with --from-kafka, not --input");
        }
        if (kafkaStart != null && kafkaEnd != null && !kafkaStart.isBefore(kafkaEnd)) {
            throw new IllegalArgumentException("--start " + kafkaStart + " is not before --end " + kafkaEnd + ": no record lies between");
        }
    }

    void define(StreamExecutionEnvironment env, JdbcTarget target, BgNbdParameters fittedModel) {
        EventDecoder decoder = new EventDecoder(eventTime.validator());
        DataStream<IngestRecord> ingested = fromKafka ? kafkaInput(env, decoder) : fileInput(env, decoder);
        SingleOutputStreamOperator<PulseEvent> events = ingested
                .process(new IngestRouter())
                .uid("backfill-route-refusals")
                .name("route refusals");
        DataStream<JobControl> control = control(env, events, fittedModel != null ? fittedModel : retention.settings(eventTime).model);

        var execution = job.sinkExecution();
        DataStream<DeadLetter> refused = events.getSideOutput(IngestRouter.DEAD_LETTERS);
        if (only != Tables.reach) {
            refused = refused.union(RetentionJob.defineWorkflow(events, control,
                    new RetentionSinks(RetentionTables.userRetention(target, execution),
                            RetentionTables.transitions(target, execution), RetentionTables.cohorts(target, execution)),
                    retention.settings(eventTime), job.flushInterval.toMillis()));
        }
        if (only != Tables.retention) {
            refused = refused.union(ReachJob.defineWorkflow(events, control,
                    new ReachSinks(WomTables.reach(target, execution), WomTables.daily(target, execution)),
                    reach.settings(eventTime), job.flushInterval.toMillis()));
        }
        refused
                .map(new DeadLetterCounter())
                .uid("backfill-count-dead-letters")
                .name("count dead letters")
                .sinkTo(FileSink.forRowFormat(new Path(deadLetterDirectory().toUri()), new DeadLetterJsonEncoder())
                        .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("dead-letters").withPartSuffix(".jsonl").build())
                        .build())
                .uid("backfill-sink-dead-letters")
                .name("dead-letter file")
                .setParallelism(1);
    }

    /** Where dead letters go. */
    public java.nio.file.Path deadLetterDirectory() {
        if (deadLetters == null) {
            deadLetters = java.nio.file.Path.of(".pulse", "backfill", "dead-letters-" + Instant.now().toString().replace(':', '-'))
                    .toAbsolutePath();
        }
        return deadLetters;
    }

    /**
     * Where the clock ends, broadcast to the operators: --as-of, or the newest event time (known
     * once all input is read, which BATCH mode does before the keyed operators start).
     */
    private DataStream<JobControl> control(StreamExecutionEnvironment env, DataStream<PulseEvent> events, BgNbdParameters model) {
        if (asOf != null) {
            return env.fromData(withModel(JobControl.clockEnd(asOf.toEpochMilli(), true), model)).uid("backfill-control");
        }
        return events.map(e -> e.eventTime).returns(Types.LONG).uid("backfill-event-times").name("event times")
                .keyBy(t -> 0, Types.INT)
                .reduce(Math::max).uid("backfill-newest-event").name("newest event")
                .map(newest -> withModel(JobControl.clockEnd(newest, false), model)).returns(JobControl.class)
                .uid("backfill-control").name("clock ends at the newest event");
    }

    private static JobControl withModel(JobControl c, BgNbdParameters model) {
        c.modelR = model.r();
        c.modelAlpha = model.alpha();
        c.modelA = model.a();
        c.modelB = model.b();
        return c;
    }

    private DataStream<IngestRecord> fileInput(StreamExecutionEnvironment env, EventDecoder decoder) {
        List<java.nio.file.Path> files = HistoryFiles.resolve(inputs);
        Path[] paths = files.stream().map(p -> new Path(p.toUri())).toArray(Path[]::new);
        FileSource<IngestRecord> source = FileSource.forBulkFileFormat(new HistoryFileFormat(decoder, progressRun), paths).build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "history files").uid("backfill-files");
    }

    /** The broker --from-kafka reads: --bootstrap-servers, or {@link BackfillKafkaOptions#DEFAULT_BOOTSTRAP_SERVERS}. */
    protected String bootstrapServers() {
        return kafka.bootstrapServers != null ? kafka.bootstrapServers : BackfillKafkaOptions.DEFAULT_BOOTSTRAP_SERVERS;
    }

    private DataStream<IngestRecord> kafkaInput(StreamExecutionEnvironment env, EventDecoder decoder) {
        KafkaSource<IngestRecord> source = KafkaSource.<IngestRecord>builder()
                .setBootstrapServers(bootstrapServers())
                .setTopics(kafka.topics().eventTopics())
                .setGroupId("pulse-backfill")
                .setProperties(kafka.clientProperties())
                .setProperty("commit.offsets.on.checkpoint", "false")
                .setStartingOffsets(kafkaStart == null ? OffsetsInitializer.earliest() : OffsetsInitializer.timestamp(kafkaStart.toEpochMilli()))
                .setBounded(kafkaEnd == null ? OffsetsInitializer.latest() : OffsetsInitializer.timestamp(kafkaEnd.toEpochMilli()))
                .setDeserializer(new KafkaEventDeserializer(kafka.topics(), decoder))
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka range").uid("backfill-kafka");
    }
}
