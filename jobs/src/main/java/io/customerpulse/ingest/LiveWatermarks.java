package io.customerpulse.ingest;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

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
 * Refused records (no event time) reset the idle timer but never move the clock. The wall clock is
 * injectable for tests.
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

    private long newestEventTime = Long.MIN_VALUE;
    private boolean live;
    private long lastRecordAt;
    private boolean idle;

    /** {@code heartbeat} null: no wall-clock heartbeat (event time moves only with events). */
    public LiveWatermarks(Duration allowedLateness, Duration idleTimeout, Duration heartbeat, WallClock wall) {
        this.latenessMs = allowedLateness.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.heartbeatMs = heartbeat == null ? -1 : heartbeat.toMillis();
        this.wall = wall;
        this.lastRecordAt = wall.millis();
    }

    @Override
    public void onEvent(IngestRecord record, long eventTimestamp, WatermarkOutput output) {
        long now = wall.millis();
        lastRecordAt = now;
        if (record.isEvent() && eventTimestamp >= newestEventTime) {
            newestEventTime = eventTimestamp;
            live = now - eventTimestamp <= latenessMs;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = wall.millis();
        long silentFor = now - lastRecordAt;
        long watermark = newestEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : newestEventTime - latenessMs - 1;
        if (heartbeatMs >= 0 && live && silentFor >= heartbeatMs) {
            watermark = Math.max(watermark, now - latenessMs - 1);
        } else if (silentFor >= idleTimeoutMs) {
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

    /** The strategy the live jobs use: event time from the event, this generator per partition. */
    public static WatermarkStrategy<IngestRecord> strategy(Duration allowedLateness, Duration idleTimeout, Duration heartbeat) {
        return WatermarkStrategy
                .<IngestRecord>forGenerator(context -> new LiveWatermarks(allowedLateness, idleTimeout, heartbeat,
                        System::currentTimeMillis))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.timestamp());
    }
}
