package io.customerpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks the series against closed forms of 2F1 (Abramowitz and Stegun 15.1). */
class HypergeometricTest {

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.1, 0.25, 0.5, 0.9})
    void logarithm(double z) {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        double expected = z == 0 ? 1 : -Math.log(1 - z) / z;
        assertThat(Hypergeometric.hyp2f1(1, 1, 2, z)).isCloseTo(expected, within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.3, 0.6, 0.95})
    void binomial(double z) {
        // 2F1(a, b; b; z) = (1 - z)^-a
        assertThat(Hypergeometric.hyp2f1(2.7, 1.3, 1.3, z)).isCloseTo(Math.pow(1 - z, -2.7), within(1e-9));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5, 0.8})
    void arcsine(double x) {
        // 2F1(1/2, 1/2; 3/2; x^2) = arcsin(x) / x
        assertThat(Hypergeometric.hyp2f1(0.5, 0.5, 1.5, x * x)).isCloseTo(Math.asin(x) / x, within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.0, 1.5})
    void refusesArgumentsOutsideTheSeries(double z) {
        assertThatThrownBy(() -> Hypergeometric.hyp2f1(1, 1, 2, z)).isInstanceOf(IllegalArgumentException.class);
    }
}
