package io.customerpulse.reach;

import io.customerpulse.cli.JobOptions;
import io.customerpulse.cli.PulseJob;
import io.customerpulse.cli.ReachOptions;
import io.customerpulse.cli.WaitingOnHeapOptions;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.CoalescingOperator;
import io.customerpulse.flink.ControlWatermarks;
import io.customerpulse.flink.HeapReleasingOperator;
import io.customerpulse.flink.JobControl;
import io.customerpulse.flink.NoControl;
import io.customerpulse.flink.RowChunker;
import io.customerpulse.flink.RowCounter;
import io.customerpulse.sink.ArrayUpsert;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.WomTables;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Duration;

/**
 * The word-of-mouth job: who spreads the brand, how far, and what it earns.
 *
 * <pre>
 * kafka -> route refusals -> split
 *   shares and events with a share_id -> keyBy(share_id) resolve owner ---------+
 *   other events ---------------------------------------------------------------+-> keyBy(user) referral timeline
 *        referral timeline -> sharer updates ----------------------------------------+-> keyBy(sharer) totals -> wom_reach
 *                          -> acquisitions -> forest (parallelism 1) -> cascades ----+
 *   resolve, timeline, forest -> K-factor increments -> keyBy(day, channel) -> wom_daily
 *   refusals, late, conflicts, unknown shares -> dead-letter topic
 * </pre>
 */
@Command(name = "reach-job", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = "Runs the word-of-mouth job: reach, cascades, attributed revenue and K-factor of every sharer.")
public final class ReachJob extends PulseJob {

    public static final String JOB_NAME = "customer-pulse-reach";
    public static final String UID_PREFIX = "reach";
    public static final String CONTROL_TICKS_UID = "reach-control-ticks";
    public static final String CONTROL_UID = "reach-control";
    public static final String CONTROL_WATERMARKS_UID = "reach-control-watermarks";
    public static final String SPLIT_UID = "reach-split-by-share";
    public static final String RESOLVER_UID = "reach-share-resolver";
    public static final String REFERRAL_UID = "reach-referral-timeline";
    public static final String FOREST_UID = "reach-acquisition-forest";
    public static final String TOTALS_UID = "reach-sharer-totals";
    public static final String COALESCE_REACH_UID = "reach-coalesce-reach-rows";
    public static final String COUNT_REACH_UID = "reach-count-reach-rows";
    public static final String CHUNK_REACH_UID = "reach-chunk-reach-rows";
    public static final String REACH_SINK_UID = "reach-sink-wom-reach";
    public static final String DAILY_UID = "reach-daily-totals";
    public static final String COALESCE_DAILY_UID = "reach-coalesce-daily-rows";
    public static final String COUNT_DAILY_UID = "reach-count-daily-rows";
    public static final String DAILY_SINK_UID = "reach-sink-wom-daily";

    @Mixin public ReachOptions reach = new ReachOptions();
    @Mixin public WaitingOnHeapOptions heap = new WaitingOnHeapOptions();

    public static void main(String[] args) {
        main(new ReachJob(), args);
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
        return "pulse-reach";
    }

    /** Live, the reach job's clock never ends and it has no model: a control stream that says nothing. */
    @Override
    public DataStream<JobControl> liveControl(StreamExecutionEnvironment env) {
        DataStream<JobControl> nothing = ControlWatermarks.ticks(env, Duration.ofHours(1), CONTROL_TICKS_UID)
                .flatMap(new NoControl())
                .uid(CONTROL_UID)
                .setParallelism(1);
        return ControlWatermarks.idle(nothing, CONTROL_WATERMARKS_UID);
    }

    @Override
    public DataStream<DeadLetter> defineWorkflow(DataStream<PulseEvent> events, DataStream<JobControl> control) {
        JdbcTarget target = jdbc.target();
        var execution = job.sinkExecution();
        return defineWorkflow(events, control,
                new ReachSinks(WomTables.reach(target, execution), WomTables.daily(target, execution)),
                reach.settings(eventTime).withMaxWaitingOnHeap(heap.maxWaitingOnHeap), job.flushInterval.toMillis());
    }

    /**
     * The dataflow between decoded events and the tables. {@code events} must carry event
     * timestamps and watermarks; {@code control} is broadcast to the operators that keep time.
     *
     * @return what the job refuses: late events, share owner conflicts, unknown shares
     */
    public static DataStream<DeadLetter> defineWorkflow(DataStream<PulseEvent> events, DataStream<JobControl> control,
                                                        ReachSinks sinks, ReachSettings settings, long flushIntervalMs) {
        SingleOutputStreamOperator<ReferralEvent> direct = events
                .process(new ShareRouter())
                .uid(SPLIT_UID)
                .name("split by share");

        SingleOutputStreamOperator<ReferralEvent> resolved = direct.getSideOutput(ShareRouter.VIA_SHARE)
                .keyBy(e -> e.shareId, Types.STRING)
                .connect(control.broadcast(JobControl.DESCRIPTOR))
                .process(new ShareResolverFunction(settings))
                .uid(RESOLVER_UID)
                .name("share resolver");

        SingleOutputStreamOperator<SharerUpdate> updates = direct.union(resolved)
                .keyBy(r -> r.event.userId, Types.STRING)
                // The job's operator, which releases the events waiting on the heap at each
                // watermark (HeapReleasingOperator); the control stream broadcast to it as
                // BroadcastConnectedStream.process would, which has no way to take an operator.
                .connect(control.broadcast())
                .transform("referral timeline", TypeInformation.of(SharerUpdate.class),
                        new HeapReleasingOperator<ReferralEvent, SharerUpdate>(new ReferralFunction(settings)))
                .uid(REFERRAL_UID);

        SingleOutputStreamOperator<SharerUpdate> cascades = updates.getSideOutput(ReferralFunction.ACQUISITIONS)
                .keyBy(a -> AcquisitionForestFunction.FOREST, Types.STRING)
                .process(new AcquisitionForestFunction(settings.maxDepth()))
                .uid(FOREST_UID)
                .name("acquisition forest")
                .setParallelism(1);

        DataStream<WomReachRow> reachRows = updates.union(cascades)
                .keyBy(u -> u.sharer, Types.STRING)
                .process(new SharerTotalsFunction())
                .uid(TOTALS_UID)
                .name("sharer totals")
                .transform("coalesce reach rows", TypeInformation.of(WomReachRow.class),
                        new CoalescingOperator<String, WomReachRow>(r -> r.userId, r -> r.asOf, flushIntervalMs,
                                JobOptions.COALESCE_MAX_KEYS))
                .uid(COALESCE_REACH_UID)
                .map(new RowCounter<WomReachRow>("wom_reach"))
                .uid(COUNT_REACH_UID)
                .name("count wom_reach rows");
        RowChunker.inChunks(reachRows, "wom_reach", r -> r.userId, ArrayUpsert.ROWS_PER_STATEMENT, CHUNK_REACH_UID)
                .sinkTo(sinks.reach())
                .uid(REACH_SINK_UID)
                .name("wom_reach");

        resolved.getSideOutput(ShareResolverFunction.DAILY)
                .union(updates.getSideOutput(ReferralFunction.DAILY), cascades.getSideOutput(AcquisitionForestFunction.DAILY))
                .keyBy(DailyDelta::dayKey, Types.STRING)
                .process(new WomDailyFunction())
                .uid(DAILY_UID)
                .name("k-factor per day and channel")
                .transform("coalesce daily rows", TypeInformation.of(WomDailyRow.class),
                        new CoalescingOperator<String, WomDailyRow>(WomDailyRow::rowKey, r -> r.asOf, flushIntervalMs,
                                JobOptions.COALESCE_MAX_KEYS))
                .uid(COALESCE_DAILY_UID)
                .map(new RowCounter<WomDailyRow>("wom_daily"))
                .uid(COUNT_DAILY_UID)
                .name("count wom_daily rows")
                .sinkTo(sinks.daily())
                .uid(DAILY_SINK_UID)
                .name("wom_daily");

        return resolved.getSideOutput(ShareResolverFunction.REFUSED)
                .union(updates.getSideOutput(ReferralFunction.LATE_EVENTS));
    }
}
