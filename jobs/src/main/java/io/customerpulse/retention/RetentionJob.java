package io.customerpulse.retention;

import io.customerpulse.cli.JobOptions;
import io.customerpulse.cli.PulseJob;
import io.customerpulse.cli.RetentionOptions;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.CoalescingOperator;
import io.customerpulse.ingest.DeadLetterCounter;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;


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
public final class RetentionJob extends PulseJob {

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

    @Mixin public RetentionOptions retention = new RetentionOptions();

    public static void main(String[] args) {
        main(new RetentionJob(), args);
    }

    @Override
    public String jobName() {
        return JOB_NAME;
    }

    @Override
    protected String sourceUid() {
        return SOURCE_UID;
    }

    @Override
    protected String defaultGroupId() {
        return "pulse-retention";
    }

    @Override
    protected void defineWorkflow(DataStream<IngestRecord> ingested, Sink<DeadLetter> deadLetters) {
        JdbcTarget target = jdbc.target();
        var execution = job.sinkExecution();
        defineWorkflow(ingested,
                new RetentionSinks(
                        RetentionTables.userRetention(target, execution),
                        RetentionTables.transitions(target, execution),
                        RetentionTables.cohorts(target, execution),
                        deadLetters),
                retention.settings(eventTime), job.flushInterval.toMillis());
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
