package io.customerpulse.cli;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.KafkaEdges;
import io.customerpulse.sink.ServingSchema;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * What every Customer Pulse job shares: the event topics in (one Kafka source, decoded and
 * validated, with watermarks), the serving store and the dead-letter topic out, and the
 * command-line options for all of them. A job adds its options and its dataflow.
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

    /** The uid of the Kafka source (part of the job's savepoint contract). */
    protected abstract String sourceUid();

    /** The consumer group when --group-id is not given. */
    protected abstract String defaultGroupId();

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

    /** Wires the job's dataflow between the decoded events and its sinks. */
    protected abstract void defineWorkflow(DataStream<IngestRecord> ingested, Sink<DeadLetter> deadLetters);

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

    /** Wires the real Kafka source and the job's sinks into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<IngestRecord> ingested = env.fromSource(
                        KafkaEdges.eventSource(kafka.bootstrapServers, kafka.topics(), groupId(), kafka.clientProperties(),
                                new EventDecoder(eventTime.validator())),
                        KafkaEdges.watermarks(eventTime.allowedLateness, eventTime.idleTimeout),
                        "kafka events")
                .uid(sourceUid());
        defineWorkflow(ingested,
                KafkaEdges.deadLetterSink(kafka.bootstrapServers, kafka.deadLetterTopic, kafka.clientProperties()));
    }
}
