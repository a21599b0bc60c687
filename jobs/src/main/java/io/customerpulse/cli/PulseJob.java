package io.customerpulse.cli;

import io.customerpulse.backfill.HistoryFiles;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.JobControl;
import io.customerpulse.history.HistoryFileFormat;
import io.customerpulse.ingest.DeadLetterCounter;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.KafkaEdges;
import io.customerpulse.ingest.LiveWatermarks;
import io.customerpulse.sink.ServingSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.source.hybrid.HybridSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What every Customer Pulse job shares: the event topics in (one Kafka source, decoded and
 * validated, with watermarks), refusals out to the dead-letter topic, the serving store, and the
 * command-line options for all of them. A job adds its options, its control stream and its
 * dataflow from decoded events to its tables.
 */
public abstract class PulseJob implements Callable<Integer> {
    @Mixin public LiveKafkaOptions kafka = new LiveKafkaOptions();
    @Mixin public JdbcOptions jdbc = new JdbcOptions();
    @Mixin public EventTimeOptions eventTime = new EventTimeOptions();
    @Mixin public LiveClockOptions clock = new LiveClockOptions();
    @Mixin public JobOptions job = new JobOptions();

    @Option(names = "--history", arity = "1..*", paramLabel = "<file-or-dir>",
            description = "Start from history: read these files (JSON Lines, gzip or not, Avro; in event-time order within --allowed-lateness) at full speed, then Kafka from --history-end. History is processed once, by this job.")
    public List<java.nio.file.Path> history = new ArrayList<>();

    @Option(names = "--history-end", paramLabel = "<ISO-8601 instant>", converter = Converters.InstantConverter.class,
            description = "With --history: Kafka is read from the first record whose timestamp is at or after this instant (events in both are dropped as duplicates).")
    public Instant historyEnd;

    @Option(names = "--group-id", paramLabel = "<group>",
            description = "Kafka consumer group; offsets are committed on checkpoints. Default: pulse-retention or pulse-reach.")
    public String groupId;

    public abstract String jobName();

    /** Prefix of the uids of the operators every job has (source, refusals, dead letters). */
    protected abstract String uidPrefix();

    /** The consumer group when --group-id is not given. */
    protected abstract String defaultGroupId();

    /** The job's control stream in live mode (never holding back the events' watermark). */
    public abstract DataStream<JobControl> liveControl(StreamExecutionEnvironment env);

    /** The job's dataflow from decoded events to its tables; returns what it refuses (late events, ...). */
    public abstract DataStream<DeadLetter> defineWorkflow(DataStream<PulseEvent> events, DataStream<JobControl> control);

    public String groupId() {
        return groupId != null ? groupId : defaultGroupId();
    }

    /** A job's main: parse, run, and exit non-zero only on failure (a cluster treats exit as the end). */
    protected static void main(PulseJob job, String[] args) {
        int exitCode = new picocli.CommandLine(job).execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    @Override
    public Integer call() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.flinkConfiguration(jobName()));
        prepareServingStore();
        build(env);
        env.execute(jobName());
        return 0;
    }

    /** Starts the job without waiting for it (the local demo, tests). */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        prepareServingStore();
        build(env);
        return env.executeAsync(jobName());
    }

    public void prepareServingStore() throws Exception {
        if (jdbc.createSchema) {
            ServingSchema.ensure(jdbc.target());
        }
    }

    /** Wires the Kafka source (after history files, with --history), the dataflow and the dead-letter topic. */
    public void build(StreamExecutionEnvironment env) {
        EventDecoder decoder = new EventDecoder(eventTime.validator());
        if (!history.isEmpty() && clock.maxSplitDrift != null) {
            // The file source's readers cannot pause a split: alignment would fail the job at its first pause.
            throw new IllegalArgumentException(
                    "--max-split-drift is for catching up from Kafka, not with --history: history files cannot be paused");
        }
        var watermarks = LiveWatermarks.strategy(clock.allowedLateness, clock.idleTimeout, clock.wallClockHeartbeat,
                jobName() + "-kafka-events", clock.maxSplitDrift);
        DataStream<IngestRecord> ingested;
        if (history.isEmpty()) {
            ingested = env.fromSource(KafkaEdges.eventSource(kafka.bootstrapServers, kafka.topics(), groupId(),
                            kafka.clientProperties(), decoder), watermarks, "kafka events")
                    .uid(uidPrefix() + "-kafka-events");
        } else {
            ingested = env.fromSource(historyThenKafka(decoder), watermarks, "history, then kafka events",
                            TypeInformation.of(IngestRecord.class))
                    .uid(uidPrefix() + "-history-then-kafka");
        }
        routeAndRun(ingested, liveControl(env),
                KafkaEdges.deadLetterSink(kafka.bootstrapServers, kafka.deadLetterTopic, jobName(), kafka.clientProperties()));
    }

    /**
     * The history files, then Kafka from --history-end (by record timestamp), as one source: the
     * live job builds its state from history once and carries on live. Offsets are committed to
     * the consumer group, so a later deployment without --history (and --allowNonRestoredState)
     * resumes from them.
     */
    private HybridSource<IngestRecord> historyThenKafka(EventDecoder decoder) {
        if (historyEnd == null) {
            throw new IllegalArgumentException("--history needs --history-end: the instant Kafka takes over");
        }
        org.apache.flink.core.fs.Path[] paths = HistoryFiles.resolve(history).stream()
                .map(p -> new org.apache.flink.core.fs.Path(p.toUri())).toArray(org.apache.flink.core.fs.Path[]::new);
        FileSource<IngestRecord> files = FileSource.forBulkFileFormat(new HistoryFileFormat(decoder, null), paths).build();
        return HybridSource.builder(files)
                .addSource(KafkaEdges.eventSource(kafka.bootstrapServers, kafka.topics(), groupId(), kafka.clientProperties(),
                        decoder, OffsetsInitializer.timestamp(historyEnd.toEpochMilli())))
                .build();
    }

    /** Refusals to {@code deadLetters}, events through the workflow, its refusals to {@code deadLetters} too. */
    public void routeAndRun(DataStream<IngestRecord> ingested, DataStream<JobControl> control, Sink<DeadLetter> deadLetters) {
        SingleOutputStreamOperator<PulseEvent> events = ingested
                .process(new IngestRouter())
                .uid(uidPrefix() + "-route-refusals")
                .name("route refusals");
        events.getSideOutput(IngestRouter.DEAD_LETTERS)
                .union(defineWorkflow(events, control))
                .map(new DeadLetterCounter())
                .uid(uidPrefix() + "-count-dead-letters")
                .name("count dead letters")
                .sinkTo(deadLetters)
                .uid(uidPrefix() + "-sink-dead-letters")
                .name("dead letters");
    }
}
