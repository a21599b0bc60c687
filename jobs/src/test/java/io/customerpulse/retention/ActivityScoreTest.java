package io.customerpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.customerpulse.events.EventType;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class ActivityScoreTest {
    private static final long D = Duration.ofDays(1).toMillis();
    private final ActivityScore score = ActivityScore.defaults();

    @Test
    void weightsAreClickOneShareThreePurchaseFive() {
        assertThat(score.weight(EventType.CLICK)).isEqualTo(1);
        assertThat(score.weight(EventType.SHARE)).isEqualTo(3);
        assertThat(score.weight(EventType.PURCHASE)).isEqualTo(5);
    }

    @Test
    void halvesEverySevenDays() {
        assertThat(score.decay(8, 0, 7 * D)).isEqualTo(4);
        assertThat(score.decay(8, 0, 21 * D)).isEqualTo(1);
        assertThat(score.decay(8, 0, 0)).isEqualTo(8);
    }

    @Test
    void incrementalSumEqualsTheDefinition() {
        // click day 0, share day 3, purchase day 10, evaluated day 14:
        // 1*0.5^(14/7) + 3*0.5^(11/7) + 5*0.5^(4/7) = 0.25 + 3*0.33649 + 5*0.67295 = 4.6242
        double expected = 0.25 + 3 * Math.pow(0.5, 11.0 / 7) + 5 * Math.pow(0.5, 4.0 / 7);
        double s = score.weight(EventType.CLICK);
        s = score.add(s, 0, 3 * D, EventType.SHARE);
        s = score.add(s, 3 * D, 10 * D, EventType.PURCHASE);
        assertThat(score.decay(s, 10 * D, 14 * D)).isCloseTo(expected, within(1e-12));
        assertThat(expected).isCloseTo(4.6242, within(1e-4));
    }

    @Test
    void configurableWeightsAndHalfLife() {
        ActivityScore custom = new ActivityScore(2, 0, 10, Duration.ofDays(1));
        assertThat(custom.add(10, 0, D, EventType.CLICK)).isEqualTo(7);
    }
}
