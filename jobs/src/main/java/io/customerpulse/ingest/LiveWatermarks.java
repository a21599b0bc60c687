package io.customerpulse.ingest;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

import java.io.Serializable;
import java.time.Duration;

/**
 * The live jobs' event-time clock, per Kafka partition.
 *
 * <ul>
 *   <li>While events flow, the watermark trails the newest event time by the allowed lateness.
 *   <li>A partition silent for the idle timeout (wall clock) is marked idle, so it stops holding
 *       back the clock of the others.
 *   <li>When all input is silent, Flink's event time stops, and with it every status timer. With a
 *       wall-clock heartbeat, a partition whose traffic is live (its newest event arrived no more
 *       than the allowed lateness after it happened) and that has been silent for the heartbeat
 *       instead lets its clock follow the wall clock, trailing it by the allowed lateness: users who
 *       stop sending events still go at risk, dormant and churned on time. A partition carrying
 *       replayed history (events far older than their arrival) never does, so a paused replay is
 *       not overtaken by the wall clock.
 * </ul>
 *
 * Refused records (no event time) reset the idle timer but never move the clock. The heartbeat's
 * silence is counted on Flink's input-activity clock of the partition, which stands still while
 * Flink holds the partition back (backpressure, or a pause for watermark alignment,
 * {@code --max-split-drift}): such a partition is waiting, not silent, and moving its clock along
 * the wall would make its waiting events late. Idleness is counted on the wall clock, so that a
 * partition without traffic never holds the clock back through a catch-up, which is backpressured
 * from start to end; with alignment, a partition that has had events counts it on the activity
 * clock too, because Flink leaves idle partitions out when it resumes paused ones: a partition
 * marked idle while paused would stay paused for good, its events unread. (A partition without
 * events has no clock to pause it by.) Both clocks are injectable for tests.
 */
public final class LiveWatermarks implements WatermarkGenerator<IngestRecord> {
    /** Milliseconds of the wall clock; {@link System#currentTimeMillis()} in a job. */
    public interface WallClock extends Serializable {
        long millis();
    }

    private final long latenessMs;
    private final long idleTimeoutMs;
    private final long heartbeatMs;
    private final WallClock wall;
    private final RelativeClock activity;
    private final boolean aligned;

    private long newestEventTime = Long.MIN_VALUE;
    private boolean live;
    private long lastRecordAt;
    private long lastRecordActive;
    private boolean idle;

    /**
     * {@code heartbeat} null: no wall-clock heartbeat (event time moves only with events).
     * {@code activity}: the partition's input-activity clock, which the heartbeat's silence is
     * measured on. {@code aligned}: Flink's watermark alignment may pause the partition.
     */
    public LiveWatermarks(Duration allowedLateness, Duration idleTimeout, Duration heartbeat, WallClock wall,
                          RelativeClock activity, boolean aligned) {
        this.latenessMs = allowedLateness.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.heartbeatMs = heartbeat == null ? -1 : heartbeat.toMillis();
        this.wall = wall;
        this.activity = activity;
        this.aligned = aligned;
        this.lastRecordAt = wall.millis();
        this.lastRecordActive = activity.relativeTimeMillis();
    }

    @Override
    public void onEvent(IngestRecord record, long eventTimestamp, WatermarkOutput output) {
        long now = wall.millis();
        lastRecordAt = now;
        lastRecordActive = activity.relativeTimeMillis();
        if (record.isEvent() && eventTimestamp >= newestEventTime) {
            newestEventTime = eventTimestamp;
            live = now - eventTimestamp <= latenessMs;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = wall.millis();
        long watermark = newestEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : newestEventTime - latenessMs - 1;
        if (heartbeatMs >= 0 && live) {
            // Never idle: once really silent, its clock follows the wall clock instead.
            if (activity.relativeTimeMillis() - lastRecordActive >= heartbeatMs) {
                watermark = Math.max(watermark, now - latenessMs - 1);
            }
        } else if (silentForIdleness(now) >= idleTimeoutMs) {
            if (!idle) {
                output.markIdle();
                idle = true;
            }
            return;
        }
        if (watermark != Long.MIN_VALUE) {
            idle = false;
            output.emitWatermark(new Watermark(watermark));
        }
    }

    private long silentForIdleness(long now) {
        return aligned && newestEventTime != Long.MIN_VALUE
                ? activity.relativeTimeMillis() - lastRecordActive
                : now - lastRecordAt;
    }

    /** The strategy the live jobs use: event time from the event, this generator per partition. */
    public static WatermarkStrategy<IngestRecord> strategy(Duration allowedLateness, Duration idleTimeout, Duration heartbeat) {
        return strategy(allowedLateness, idleTimeout, heartbeat, false);
    }

    private static WatermarkStrategy<IngestRecord> strategy(Duration allowedLateness, Duration idleTimeout, Duration heartbeat,
                                                            boolean aligned) {
        return WatermarkStrategy
                .<IngestRecord>forGenerator(context -> new LiveWatermarks(allowedLateness, idleTimeout, heartbeat,
                        System::currentTimeMillis, context.getInputActivityClock(), aligned))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.timestamp());
    }

    /**
     * How often the aligned clock is announced to the source's subtasks (and they report theirs).
     * Each announcement lets every partition read up to the slowest one's clock plus the drift, so
     * a replay reads at most the drift of event time per announcement: every 100 ms instead of
     * Flink's default second lifts that cap tenfold, at a few small messages between the source's
     * subtasks and the job manager per announcement. It also shortens the job's first interval, in
     * which nothing has been announced and Flink reads without alignment.
     */
    static final Duration ALIGNMENT_ANNOUNCED_EVERY = Duration.ofMillis(100);

    /**
     * {@link #strategy} with Flink's watermark alignment: a partition more than {@code maxDrift}
     * ahead of the slowest one in {@code group} (the source's partitions, across its subtasks) is
     * paused until the others catch up. {@code maxDrift} null: no alignment.
     */
    public static WatermarkStrategy<IngestRecord> strategy(Duration allowedLateness, Duration idleTimeout, Duration heartbeat,
                                                           String group, Duration maxDrift) {
        return maxDrift == null
                ? strategy(allowedLateness, idleTimeout, heartbeat)
                : strategy(allowedLateness, idleTimeout, heartbeat, true)
                        .withWatermarkAlignment(group, maxDrift, ALIGNMENT_ANNOUNCED_EVERY);
    }
}
