package io.customerpulse.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

/** The JDK's own {@code Instant.parse} is the reference for every text. */
class IsoInstantsTest {

    @Test
    void agreesWithInstantParseOnRandomInstantsWithEveryFractionLength() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
            String full = instant.toString(); // yyyy-MM-ddTHH:mm:ss[.fff[fff[fff]]]Z
            String seconds = full.substring(0, 19);
            int digits = random.nextInt(10);
            String fraction = String.format("%09d", instant.getNano()).substring(0, digits);
            String text = seconds + (digits == 0 ? "" : "." + fraction) + "Z";
            assertThat(IsoInstants.toEpochMilli(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2025-03-01T12:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2024-02-29T23:59:59.5Z",
        "2025-03-01T12:00:00.123456789Z",
        // not the fast form: Instant.parse decides
        "2025-03-01t12:00:00z", "2025-03-01T12:00:00.Z", "2025-03-01T12:00:00+08:00", "2016-12-31T23:59:60Z",
        "+12025-03-01T12:00:00Z",
    })
    void givesWhatInstantParseGives(String text) {
        assertThat(IsoInstants.toEpochMilli(text)).isEqualTo(Instant.parse(text).toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2025-02-29T12:00:00Z", "2025-13-01T12:00:00Z", "2025-04-31T00:00:00Z", "2025-03-01T25:00:00Z",
        "2025-03-01T12:61:00Z", "2025-03-01T12:00Z", "2025-03-01T12:00:00.1234567890Z", "2025-03-01 12:00:00Z",
        "2025-0a-01T12:00:00Z", "2025-03-01T12:00:00",
    })
    void refusesWhatInstantParseRefuses(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstants.toEpochMilli(text)).isInstanceOf(DateTimeParseException.class);
    }
}
