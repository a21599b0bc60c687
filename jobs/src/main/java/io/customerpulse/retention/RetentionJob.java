package io.customerpulse.retention;

import io.customerpulse.cli.Converters;
import io.customerpulse.cli.JobOptions;
import io.customerpulse.cli.PulseJob;
import io.customerpulse.cli.RetentionOptions;
import io.customerpulse.cli.WaitingOnHeapOptions;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.CoalescingOperator;
import io.customerpulse.flink.ControlWatermarks;
import io.customerpulse.flink.JobControl;
import io.customerpulse.flink.NoControl;
import io.customerpulse.flink.RowChunker;
import io.customerpulse.flink.RowCounter;
import io.customerpulse.sink.ArrayUpsert;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.RetentionTables;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * The retention job: click, purchase and share events from Kafka in; user_retention,
 * retention_transitions and retention_cohorts in PostgreSQL out; refused records to the
 * dead-letter topic.
 *
 * <pre>
 * kafka(clicks, purchases, shares) -> route refusals -> keyBy(user) user retention -> coalesce -> user_retention
 *                                          |   control --^   |-> transitions ---------------> retention_transitions
 *                                          |  (clock end,    |-> cohort activity -> keyBy(cohort) count -> coalesce -> retention_cohorts
 *                                          |   fitted model) +-- late --+
 *                                          +-- refused -----------------+-> count by reason -> dead-letter topic
 * </pre>
 */
@Command(name = "retention-job", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = "Runs the retention job: live retention status, scores and cohorts of every customer.")
public final class RetentionJob extends PulseJob {

    public static final String JOB_NAME = "customer-pulse-retention";
    public static final String UID_PREFIX = "retention";
    public static final String MODEL_TICKS_UID = "retention-model-ticks";
    public static final String MODEL_POLLER_UID = "retention-model-poller";
    public static final String MODEL_WATERMARKS_UID = "retention-model-watermarks";
    public static final String USER_RETENTION_UID = "retention-user-timeline";
    public static final String COALESCE_USERS_UID = "retention-coalesce-user-rows";
    public static final String COUNT_USERS_UID = "retention-count-user-rows";
    public static final String CHUNK_USERS_UID = "retention-chunk-user-rows";
    public static final String USER_SINK_UID = "retention-sink-user-retention";
    public static final String COUNT_TRANSITIONS_UID = "retention-count-transitions";
    public static final String TRANSITION_SINK_UID = "retention-sink-transitions";
    public static final String COMBINE_COHORT_ACTIVITY_UID = "retention-combine-cohort-activity";
    public static final String COHORT_COUNTER_UID = "retention-cohort-counter";
    public static final String COALESCE_COHORTS_UID = "retention-coalesce-cohort-rows";
    public static final String COUNT_COHORTS_UID = "retention-count-cohort-rows";
    public static final String COHORT_SINK_UID = "retention-sink-cohorts";

    @Mixin public RetentionOptions retention = new RetentionOptions();

    @Option(names = "--model-refresh", defaultValue = "1m", converter = Converters.DurationConverter.class,
            description = "How often the newest fitted BG/NBD model is read from model_params (0 = never; --bgnbd-* are used until a fit exists). Default: ${DEFAULT-VALUE}.")
    public Duration modelRefresh;

    @Mixin public WaitingOnHeapOptions heap = new WaitingOnHeapOptions();

    public static void main(String[] args) {
        main(new RetentionJob(), args);
    }

    @Override
    public String jobName() {
        return JOB_NAME;
    }

    @Override
    protected String uidPrefix() {
        return UID_PREFIX;
    }

    @Override
    protected String defaultGroupId() {
        return "pulse-retention";
    }

    /**
     * Ticks every --model-refresh, each reading the newest fitted model from PostgreSQL (with
     * --model-refresh 0 the ticks come hourly and read nothing: --bgnbd-* stay in force).
     */
    @Override
    public DataStream<JobControl> liveControl(StreamExecutionEnvironment env) {
        boolean poll = !modelRefresh.isZero();
        DataStream<JobControl> models = ControlWatermarks.ticks(env, poll ? modelRefresh : Duration.ofHours(1), MODEL_TICKS_UID)
                .flatMap(poll ? new FittedModelPoller(jdbc.target()) : new NoControl())
                .returns(JobControl.class)
                .uid(MODEL_POLLER_UID)
                .name("newest fitted model")
                .setParallelism(1);
        return ControlWatermarks.idle(models, MODEL_WATERMARKS_UID);
    }

    @Override
    public DataStream<DeadLetter> defineWorkflow(DataStream<PulseEvent> events, DataStream<JobControl> control) {
        JdbcTarget target = jdbc.target();
        var execution = job.sinkExecution();
        return defineWorkflow(events, control,
                new RetentionSinks(
                        RetentionTables.userRetention(target, execution),
                        RetentionTables.transitions(target, execution),
                        RetentionTables.cohorts(target, execution)),
                settings(), job.flushInterval.toMillis());
    }

    /** The retention definitions and the timeline's heap limit, from the command line. */
    public RetentionSettings settings() {
        return retention.settings(eventTime).toBuilder().maxWaitingOnHeap(heap.maxWaitingOnHeap).build();
    }

    /**
     * The dataflow between decoded events and the tables. {@code events} must carry event
     * timestamps and watermarks; {@code control} is broadcast to the user timeline.
     *
     * @return the events refused as late
     */
    public static DataStream<DeadLetter> defineWorkflow(DataStream<PulseEvent> events, DataStream<JobControl> control,
                                                        RetentionSinks sinks, RetentionSettings settings, long flushIntervalMs) {
        SingleOutputStreamOperator<UserRetentionRow> userRows = events
                .keyBy(e -> e.userId, Types.STRING)
                // Flink's keyed broadcast operator with the heap's waiting events released at each
                // watermark (UserRetentionOperator); the control stream broadcast to it as
                // BroadcastConnectedStream.process would, which has no way to take an operator.
                .connect(control.broadcast())
                .transform("user retention timeline", TypeInformation.of(UserRetentionRow.class),
                        new UserRetentionOperator(new UserRetentionFunction(settings)))
                .uid(USER_RETENTION_UID);

        DataStream<UserRetentionRow> countedUserRows = userRows
                .transform("coalesce user rows", TypeInformation.of(UserRetentionRow.class),
                        new CoalescingOperator<String, UserRetentionRow>(r -> r.userId, r -> r.asOf, flushIntervalMs,
                                JobOptions.COALESCE_MAX_KEYS))
                .uid(COALESCE_USERS_UID)
                .map(new RowCounter<UserRetentionRow>("user_retention"))
                .uid(COUNT_USERS_UID)
                .name("count user_retention rows");
        inChunks(countedUserRows, CHUNK_USERS_UID)
                .sinkTo(sinks.userRetention())
                .uid(USER_SINK_UID)
                .name("user_retention");

        sinkCounted(userRows.getSideOutput(UserRetentionFunction.TRANSITIONS), "retention_transitions",
                COUNT_TRANSITIONS_UID, sinks.transitions(), TRANSITION_SINK_UID);

        userRows.getSideOutput(UserRetentionFunction.COHORT_ACTIVITY)
                // Summed per cohort and day_n before the shuffle: the counter then reads and writes
                // its state once per cohort day and watermark instead of once per user (a
                // backfill, without watermarks, sums each subtask's activities whole).
                .transform("combine cohort activity", TypeInformation.of(CohortActivity.class),
                        CoalescingOperator.<String, CohortActivity>combining(CohortActivity::cohortDayKey, CohortActivity::combine,
                                flushIntervalMs, JobOptions.COALESCE_MAX_KEYS))
                .uid(COMBINE_COHORT_ACTIVITY_UID)
                .keyBy(CohortActivity::cohortKey, Types.STRING)
                .process(new CohortCounterFunction())
                .uid(COHORT_COUNTER_UID)
                .name("cohort counter")
                .transform("coalesce cohort rows", TypeInformation.of(CohortRow.class),
                        new CoalescingOperator<String, CohortRow>(CohortRow::rowKey, r -> r.asOf, flushIntervalMs,
                                JobOptions.COALESCE_MAX_KEYS))
                .uid(COALESCE_COHORTS_UID)
                .map(new RowCounter<CohortRow>("retention_cohorts"))
                .uid(COUNT_COHORTS_UID)
                .name("count retention_cohorts rows")
                .sinkTo(sinks.cohorts())
                .uid(COHORT_SINK_UID)
                .name("retention_cohorts");

        return userRows.getSideOutput(UserRetentionFunction.LATE_EVENTS);
    }

    /** user_retention rows in chunks of distinct users, as its PostgreSQL sink writes them. */
    public static SingleOutputStreamOperator<List<UserRetentionRow>> inChunks(DataStream<UserRetentionRow> rows, String uid) {
        return RowChunker.inChunks(rows, "user_retention", r -> r.userId, ArrayUpsert.ROWS_PER_STATEMENT, uid);
    }

    static <T> void sinkCounted(DataStream<T> rows, String table, String countUid, Sink<T> sink, String sinkUid) {
        rows.map(new RowCounter<T>(table))
                .returns(rows.getType())
                .uid(countUid)
                .name("count " + table + " rows")
                .sinkTo(sink)
                .uid(sinkUid)
                .name(table);
    }
}
