package io.customerpulse.flink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import java.time.Duration;

/**
 * Event time and a live control stream. A control stream carries no event time, so it must
 * neither hold the events' clock back nor push it: an operator's watermark is the minimum over its
 * active inputs, and an input that is idle (all partitions silent) drops out. A control input at
 * the end of time, or one that has finished, would then become the minimum's only member and jump
 * every timer to the end of time whenever the events pause. So a live control stream never ends
 * and declares itself idle from the start: the events alone drive the clock, and when they are
 * silent the clock stands still.
 */
public final class ControlWatermarks {
    private ControlWatermarks() {}

    /** An unbounded stream ticking every {@code interval}, the heartbeat of a live control stream. */
    public static DataStream<Long> ticks(StreamExecutionEnvironment env, Duration interval, String uid) {
        DataGeneratorSource<Long> ticks = new DataGeneratorSource<>(
                tick -> tick, Long.MAX_VALUE, RateLimiterStrategy.perSecond(1000.0 / interval.toMillis()), Types.LONG);
        return env.fromSource(ticks, WatermarkStrategy.noWatermarks(), "control ticks").uid(uid).setParallelism(1);
    }

    /** Marks {@code control} idle for good and drops any watermark or status from upstream. */
    public static <T> SingleOutputStreamOperator<T> idle(DataStream<T> control, String uid) {
        TypeInformation<T> type = control.getType();
        return control.transform("control: idle for event time", type, new AlwaysIdle<T>()).uid(uid).setParallelism(1);
    }

    static final class AlwaysIdle<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
        private static final long serialVersionUID = 1L;

        @Override
        public void open() throws Exception {
            super.open();
            output.emitWatermarkStatus(WatermarkStatus.IDLE);
        }

        @Override
        public void processElement(StreamRecord<T> element) {
            output.collect(element);
        }

        @Override
        public void processWatermark(Watermark mark) {
            // a control stream has no event time
        }

        @Override
        public void processWatermarkStatus(WatermarkStatus status) {
            // stays idle
        }
    }
}
