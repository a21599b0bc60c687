package io.customerpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.PulseEvent;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

class LiveWatermarksTest {
    private static final Duration LATENESS = Duration.ofMinutes(5);
    private static final Duration IDLE = Duration.ofMinutes(1);
    private static final long T0 = 1_750_000_000_000L;

    /** What the generator told Flink, in order: a watermark as its value, idleness as "idle". */
    private static final class Recorded implements WatermarkOutput {
        final List<String> calls = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            calls.add(Long.toString(watermark.getTimestamp()));
        }

        @Override
        public void markIdle() {
            calls.add("idle");
        }

        @Override
        public void markActive() {
            calls.add("active");
        }

        String last() {
            return calls.get(calls.size() - 1);
        }
    }

    private final long[] wall = {T0};
    /** Milliseconds the partition was paused by Flink (alignment, backpressure): its activity clock stood still. */
    private final long[] paused = {0};
    private final Recorded out = new Recorded();

    private LiveWatermarks generator(Duration heartbeat) {
        return generator(heartbeat, false);
    }

    private LiveWatermarks generator(Duration heartbeat, boolean aligned) {
        RelativeClock activity = new RelativeClock() {
            @Override
            public long relativeTimeMillis() {
                return wall[0] - paused[0];
            }

            @Override
            public long relativeTimeNanos() {
                return relativeTimeMillis() * 1_000_000;
            }
        };
        return new LiveWatermarks(LATENESS, IDLE, heartbeat, () -> wall[0], activity, aligned);
    }

    private static IngestRecord event(long time) {
        PulseEvent e = new PulseEvent();
        e.eventTime = time;
        return IngestRecord.of(e);
    }

    @Test
    void trailsTheNewestEventByTheAllowedLateness() {
        LiveWatermarks g = generator(null);
        g.onPeriodicEmit(out);
        assertThat(out.calls).isEmpty(); // nothing seen, nothing to say yet
        g.onEvent(event(T0), T0, out);
        g.onEvent(event(T0 - 60_000), T0 - 60_000, out); // out of order: does not pull the clock back
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.toString(T0 - 300_000 - 1));
    }

    @Test
    void aSilentPartitionIsMarkedIdleAfterTheTimeoutAndWakesWithTheNextEvent() {
        LiveWatermarks g = generator(null);
        g.onEvent(event(T0), T0, out);
        wall[0] += IDLE.toMillis() - 1;
        g.onPeriodicEmit(out);
        assertThat(out.last()).isNotEqualTo("idle");
        wall[0] += 1;
        g.onPeriodicEmit(out);
        g.onPeriodicEmit(out);
        assertThat(out.calls).containsOnlyOnce("idle").endsWith("idle");
        g.onEvent(event(T0 + 5_000), T0 + 5_000, out);
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.toString(T0 + 5_000 - 300_000 - 1));
    }

    @Test
    void withoutHeartbeatAllSilenceStopsTheClock() {
        LiveWatermarks g = generator(null);
        g.onEvent(event(T0), T0, out);
        wall[0] += Duration.ofDays(3).toMillis();
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("idle");
        assertThat(out.calls).doesNotContain(Long.toString(wall[0] - 300_000 - 1));
    }

    @Test
    void withHeartbeatLiveTrafficLetsTheClockFollowTheWallClockAfterTheSilence() {
        LiveWatermarks g = generator(Duration.ofSeconds(30));
        g.onEvent(event(T0 - 2_000), T0 - 2_000, out); // arrived 2 s after it happened: live
        wall[0] += 29_999;
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.toString(T0 - 2_000 - 300_000 - 1));
        wall[0] += 1;
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.toString(T0 + 30_000 - 300_000 - 1));
        wall[0] += Duration.ofDays(40).toMillis(); // silent long after the idle timeout: never idle, keeps following
        g.onPeriodicEmit(out);
        assertThat(out.calls).doesNotContain("idle");
        assertThat(out.last()).isEqualTo(Long.toString(wall[0] - 300_000 - 1));
    }

    @Test
    void replayedHistoryNeverTriggersTheHeartbeat() {
        LiveWatermarks g = generator(Duration.ofSeconds(30));
        long historic = T0 - Duration.ofDays(200).toMillis();
        g.onEvent(event(historic), historic, out); // 200 days old on arrival: a replay
        wall[0] += Duration.ofHours(1).toMillis();
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("idle");
        assertThat(out.calls).doesNotContain(Long.toString(wall[0] - 300_000 - 1));
    }

    @Test
    void refusedRecordsKeepThePartitionAwakeButDoNotMoveTheClock() {
        LiveWatermarks g = generator(null);
        g.onEvent(event(T0), T0, out);
        wall[0] += IDLE.toMillis() - 10;
        g.onEvent(IngestRecord.refused(new DeadLetter()), Long.MIN_VALUE, out);
        wall[0] += 20;
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.toString(T0 - 300_000 - 1));
    }

    @Test
    void aLivePartitionHeldBackByFlinkKeepsItsClockUntilItIsReallySilent() {
        // Held back (backpressure, an alignment pause) for longer than the heartbeat and the idle
        // timeout: its events are still to come, so its clock neither follows the wall nor drops out.
        LiveWatermarks g = generator(Duration.ofSeconds(30));
        g.onEvent(event(T0 - 2_000), T0 - 2_000, out); // live traffic
        wall[0] += Duration.ofMinutes(5).toMillis();
        paused[0] += Duration.ofMinutes(5).toMillis() - 1_000;
        g.onPeriodicEmit(out);
        assertThat(out.calls).containsExactly(Long.toString(T0 - 2_000 - 300_000 - 1));
        // Once let go, silence counts again: the heartbeat after 30 s of it.
        wall[0] += 28_000; // silent 29 s in all
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.toString(T0 - 2_000 - 300_000 - 1));
        wall[0] += 1_000;
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.toString(wall[0] - 300_000 - 1));
        assertThat(out.calls).doesNotContain("idle");
    }

    @Test
    void withoutHeartbeatAPartitionHeldBackStillGoesIdleByTheWallClock() {
        // Without alignment only backpressure holds a partition back, and a partition with no
        // traffic must not hold the clock through a catch-up that is backpressured from start to end.
        LiveWatermarks g = generator(null);
        g.onEvent(event(T0), T0, out);
        wall[0] += IDLE.toMillis();
        paused[0] += IDLE.toMillis();
        g.onPeriodicEmit(out);
        assertThat(out.calls).containsExactly("idle");
    }

    @Test
    void withAlignmentAPartitionPausedIsNeverMarkedIdle() {
        // Flink resumes paused partitions but leaves idle ones out: marked idle while paused, this
        // partition would never be read again (seen at 10^6 users: 274,000 shares never read).
        LiveWatermarks g = generator(null, true);
        g.onEvent(event(T0), T0, out);
        wall[0] += Duration.ofMinutes(10).toMillis();
        paused[0] += Duration.ofMinutes(10).toMillis();
        g.onPeriodicEmit(out);
        assertThat(out.calls).containsExactly(Long.toString(T0 - 300_000 - 1));
        // Let go and still silent: idle after the timeout of reading time.
        wall[0] += IDLE.toMillis() - 1;
        g.onPeriodicEmit(out);
        assertThat(out.last()).isNotEqualTo("idle");
        wall[0] += 1;
        g.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo("idle");
    }

    @Test
    void withAlignmentAPartitionWithoutEventsGoesIdleByTheWallClock() {
        // It has no clock to be paused by, and must not hold the others back through a
        // backpressured catch-up.
        LiveWatermarks g = generator(null, true);
        wall[0] += IDLE.toMillis();
        paused[0] += IDLE.toMillis();
        g.onPeriodicEmit(out);
        assertThat(out.calls).containsExactly("idle");
    }

    @Test
    void onlyTheAlignedStrategysGeneratorsCountIdlenessOnTheActivityClock() throws InterruptedException {
        // The strategies the jobs build, with Flink's activity clock standing still (a paused
        // partition) while the wall clock passes the idle timeout.
        Duration idle = Duration.ofMillis(20);
        RelativeClock stopped = new RelativeClock() {
            @Override
            public long relativeTimeMillis() {
                return 0;
            }

            @Override
            public long relativeTimeNanos() {
                return 0;
            }
        };
        WatermarkGeneratorSupplier.Context paused = new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return stopped;
            }
        };
        WatermarkGenerator<IngestRecord> plain = LiveWatermarks.strategy(LATENESS, idle, null, "group", null)
                .createWatermarkGenerator(paused);
        WatermarkGenerator<IngestRecord> aligned = LiveWatermarks.strategy(LATENESS, idle, null, "group", Duration.ofHours(2))
                .createWatermarkGenerator(paused);
        Recorded plainOut = new Recorded();
        Recorded alignedOut = new Recorded();
        plain.onEvent(event(T0), T0, plainOut);
        aligned.onEvent(event(T0), T0, alignedOut);
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start <= idle.toMillis() * 2) {
            Thread.sleep(idle.toMillis());
        }
        plain.onPeriodicEmit(plainOut);
        aligned.onPeriodicEmit(alignedOut);
        assertThat(plainOut.calls).containsExactly("idle");
        assertThat(alignedOut.calls).containsExactly(Long.toString(T0 - 300_000 - 1));
    }

    @Test
    void aSplitDriftAlignsTheSourcesPartitionsInItsGroupAnnouncedTenTimesASecond() {
        var aligned = LiveWatermarks.strategy(LATENESS, IDLE, null, "customer-pulse-retention-kafka-events", Duration.ofHours(12))
                .getAlignmentParameters();
        assertThat(aligned.isEnabled()).isTrue();
        assertThat(aligned.getWatermarkGroup()).isEqualTo("customer-pulse-retention-kafka-events");
        assertThat(aligned.getMaxAllowedWatermarkDrift()).isEqualTo(12 * 3_600_000L);
        assertThat(aligned.getUpdateInterval()).isEqualTo(100L);

        assertThat(LiveWatermarks.strategy(LATENESS, IDLE, null, "customer-pulse-retention-kafka-events", null)
                .getAlignmentParameters().isEnabled()).isFalse();
    }
}
