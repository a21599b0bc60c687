package io.customerpulse.cli;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.JobControl;
import io.customerpulse.ingest.DeadLetterCounter;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.KafkaEdges;
import io.customerpulse.sink.ServingSchema;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * What every Customer Pulse job shares: the event topics in (one Kafka source, decoded and
 * validated, with watermarks), refusals out to the dead-letter topic, the serving store, and the
 * command-line options for all of them. A job adds its options, its control stream and its
 * dataflow from decoded events to its tables.
 */
public abstract class PulseJob implements Callable<Integer> {
    @Mixin public KafkaOptions kafka = new KafkaOptions();
    @Mixin public JdbcOptions jdbc = new JdbcOptions();
    @Mixin public EventTimeOptions eventTime = new EventTimeOptions();
    @Mixin public JobOptions job = new JobOptions();

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

    /** Wires the Kafka source, the job's dataflow and the dead-letter topic into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<IngestRecord> ingested = env.fromSource(
                        KafkaEdges.eventSource(kafka.bootstrapServers, kafka.topics(), groupId(), kafka.clientProperties(),
                                new EventDecoder(eventTime.validator())),
                        KafkaEdges.watermarks(eventTime.allowedLateness, eventTime.idleTimeout),
                        "kafka events")
                .uid(uidPrefix() + "-kafka-events");
        routeAndRun(ingested, liveControl(env),
                KafkaEdges.deadLetterSink(kafka.bootstrapServers, kafka.deadLetterTopic, jobName(), kafka.clientProperties()));
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
