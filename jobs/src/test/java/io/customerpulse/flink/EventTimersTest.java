package io.customerpulse.flink;

import org.apache.flink.streaming.api.TimerService;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimersTest {

    @Test
    void registersWhileTimeGoesOn() {
        RecordingTimers timers = new RecordingTimers(1_000);
        EventTimers.register(timers, 500);   // already passed: fires with the next watermark
        EventTimers.register(timers, 2_000);
        assertThat(timers.registered).containsExactly(500L, 2_000L);
    }

    @Test
    void registersNothingAtTheEndOfTime() {
        // What a BATCH key's end looks like from a timer: Flink would drop the timer with a warning.
        RecordingTimers timers = new RecordingTimers(Long.MAX_VALUE);
        EventTimers.register(timers, 2_000);
        EventTimers.register(timers, Long.MAX_VALUE);
        assertThat(timers.registered).isEmpty();
    }

    /** The watermark stands still; registrations are recorded. */
    private static final class RecordingTimers implements TimerService {
        private final long watermark;
        private final List<Long> registered = new ArrayList<>();

        RecordingTimers(long watermark) {
            this.watermark = watermark;
        }

        @Override
        public long currentProcessingTime() {
            return 0;
        }

        @Override
        public long currentWatermark() {
            return watermark;
        }

        @Override
        public void registerProcessingTimeTimer(long time) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void registerEventTimeTimer(long time) {
            registered.add(time);
        }

        @Override
        public void deleteProcessingTimeTimer(long time) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteEventTimeTimer(long time) {
            throw new UnsupportedOperationException();
        }
    }
}
