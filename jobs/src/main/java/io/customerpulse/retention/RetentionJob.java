package io.customerpulse.retention;

import io.customerpulse.cli.EventTimeOptions;
import io.customerpulse.cli.JdbcOptions;
import io.customerpulse.cli.JobOptions;
import io.customerpulse.cli.KafkaOptions;
import io.customerpulse.cli.RetentionOptions;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.CoalescingOperator;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.DeadLetterCounter;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.KafkaEdges;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;
import io.customerpulse.sink.ServingSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * The retention job: click, purchase and share events from Kafka in; user_retention,
 * retention_transitions and retention_cohorts in PostgreSQL out; refused records to the
 * dead-letter topic.
 *
 * <pre>
 * kafka(clicks, purchases, shares) -> route refusals -> keyBy(user) user retention -> coalesce -> user_retention
 *                                          |                 |-> transitions ---------------> retention_transitions
 *                                          |                 |-> cohort activity -> keyBy(cohort) count -> coalesce -> retention_cohorts
 *                                          +-- refused ------+-- late --> count by reason -> dead-letter topic
 * </pre>
 */
@Command(name = "retention-job", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = "Runs the retention job: live retention status, scores and cohorts of every customer.")
public final class RetentionJob implements Callable<Integer> {

    public static final String JOB_NAME = "customer-pulse-retention";
    public static final String SOURCE_UID = "retention-kafka-events";
    public static final String ROUTER_UID = "retention-route-refusals";
    public static final String USER_RETENTION_UID = "retention-user-timeline";
    public static final String COALESCE_USERS_UID = "retention-coalesce-user-rows";
    public static final String USER_SINK_UID = "retention-sink-user-retention";
    public static final String TRANSITION_SINK_UID = "retention-sink-transitions";
    public static final String COHORT_COUNTER_UID = "retention-cohort-counter";
    public static final String COALESCE_COHORTS_UID = "retention-coalesce-cohort-rows";
    public static final String COHORT_SINK_UID = "retention-sink-cohorts";
    public static final String DEAD_LETTER_COUNTER_UID = "retention-count-dead-letters";
    public static final String DEAD_LETTER_SINK_UID = "retention-sink-dead-letters";

    @Mixin public KafkaOptions kafka = new KafkaOptions();
    @Mixin public JdbcOptions jdbc = new JdbcOptions();
    @Mixin public EventTimeOptions eventTime = new EventTimeOptions();
    @Mixin public RetentionOptions retention = new RetentionOptions();
    @Mixin public JobOptions job = new JobOptions();

    @Option(names = "--group-id", defaultValue = "pulse-retention",
            description = "Kafka consumer group; offsets are committed on checkpoints. Default: ${DEFAULT-VALUE}.")
    public String groupId;

    public static void main(String[] args) {
        int exitCode = new CommandLine(new RetentionJob()).execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    @Override
    public Integer call() throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(job.flinkConfiguration(JOB_NAME));
        prepareServingStore();
        build(env);
        env.execute(JOB_NAME);
        return 0;
    }

    /** Starts the job without waiting for it (the local demo, tests). */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        prepareServingStore();
        build(env);
        return env.executeAsync(JOB_NAME);
    }

    private void prepareServingStore() throws Exception {
        if (jdbc.createSchema) {
            ServingSchema.ensure(jdbc.target());
        }
    }

    /** Wires the real Kafka source and PostgreSQL/Kafka sinks into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        JdbcTarget target = jdbc.target();
        var execution = job.sinkExecution();
        RetentionSinks sinks = new RetentionSinks(
                RetentionTables.userRetention(target, execution),
                RetentionTables.transitions(target, execution),
                RetentionTables.cohorts(target, execution),
                KafkaEdges.deadLetterSink(kafka.bootstrapServers, kafka.deadLetterTopic, kafka.clientProperties()));
        DataStream<IngestRecord> ingested = env.fromSource(
                        KafkaEdges.eventSource(kafka.bootstrapServers, kafka.topics(), groupId, kafka.clientProperties(),
                                new EventDecoder(eventTime.validator())),
                        KafkaEdges.watermarks(eventTime.allowedLateness, eventTime.idleTimeout),
                        "kafka events")
                .uid(SOURCE_UID);
        defineWorkflow(ingested, sinks, retention.settings(), job.flushInterval.toMillis());
    }

    /**
     * The dataflow between the edges. {@code ingested} must carry event timestamps and watermarks.
     */
    public static void defineWorkflow(
            DataStream<IngestRecord> ingested, RetentionSinks sinks, RetentionSettings settings, long flushIntervalMs) {
        SingleOutputStreamOperator<PulseEvent> events = ingested
                .process(new IngestRouter())
                .uid(ROUTER_UID)
                .name("route refusals");

        SingleOutputStreamOperator<UserRetentionRow> userRows = events
                .keyBy(e -> e.userId, Types.STRING)
                .process(new UserRetentionFunction(settings))
                .uid(USER_RETENTION_UID)
                .name("user retention timeline");

        userRows.transform("coalesce user rows", TypeInformation.of(UserRetentionRow.class),
                        new CoalescingOperator<String, UserRetentionRow>(r -> r.userId, r -> r.asOf, flushIntervalMs,
                                JobOptions.COALESCE_MAX_KEYS))
                .uid(COALESCE_USERS_UID)
                .sinkTo(sinks.userRetention())
                .uid(USER_SINK_UID)
                .name("user_retention");

        userRows.getSideOutput(UserRetentionFunction.TRANSITIONS)
                .sinkTo(sinks.transitions())
                .uid(TRANSITION_SINK_UID)
                .name("retention_transitions");

        userRows.getSideOutput(UserRetentionFunction.COHORT_ACTIVITY)
                .keyBy(CohortActivity::cohortKey, Types.STRING)
                .process(new CohortCounterFunction())
                .uid(COHORT_COUNTER_UID)
                .name("cohort counter")
                .transform("coalesce cohort rows", TypeInformation.of(CohortRow.class),
                        new CoalescingOperator<String, CohortRow>(CohortRow::rowKey, r -> r.asOf, flushIntervalMs,
                                JobOptions.COALESCE_MAX_KEYS))
                .uid(COALESCE_COHORTS_UID)
                .sinkTo(sinks.cohorts())
                .uid(COHORT_SINK_UID)
                .name("retention_cohorts");

        DataStream<DeadLetter> refused = events.getSideOutput(IngestRouter.DEAD_LETTERS)
                .union(userRows.getSideOutput(UserRetentionFunction.LATE_EVENTS));
        refused.map(new DeadLetterCounter())
                .uid(DEAD_LETTER_COUNTER_UID)
                .name("count dead letters")
                .sinkTo(sinks.deadLetters())
                .uid(DEAD_LETTER_SINK_UID)
                .name("dead-letter topic");
    }
}
