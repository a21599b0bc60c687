package io.customerpulse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** What an operator reads when a value cannot be taken: the value and an example, no Java exception's name. */
class ConvertersTest {
    @Test
    void durationsAsPeopleWriteThemButNeverNegative() {
        Converters.DurationConverter durations = new Converters.DurationConverter();
        assertThat(durations.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(durations.convert("0s")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> durations.convert("PT-1H"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'PT-1H' is negative; give 0 or more (e.g. 5m)");
        assertThatThrownBy(() -> durations.convert("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageStartingWith("Not a duration: 'soon'");
    }

    @Test
    void instantsAndZones() {
        assertThat(new Converters.InstantConverter().convert("2025-01-01T00:00:00Z")).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThatThrownBy(() -> new Converters.InstantConverter().convert("2025-01-01"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'2025-01-01' is not an ISO-8601 instant in UTC (e.g. 2025-01-01T00:00:00Z)");
        assertThat(new Converters.ZoneConverter().convert("Asia/Shanghai")).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThatThrownBy(() -> new Converters.ZoneConverter().convert("Mars/Olympus"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageStartingWith("'Mars/Olympus' is not a time zone");
    }

    @Test
    void aParallelismOrBatchSizeIsAtLeastOne() {
        Converters.AtLeastOne atLeastOne = new Converters.AtLeastOne();
        assertThat(atLeastOne.convert("1")).isEqualTo(1);
        assertThatThrownBy(() -> atLeastOne.convert("0")).hasMessage("must be at least 1, not 0");
        assertThatThrownBy(() -> atLeastOne.convert("-1")).hasMessage("must be at least 1, not -1");
        assertThatThrownBy(() -> atLeastOne.convert("two")).hasMessage("'two' is not a whole number");
    }

    @Test
    void ratesIntervalsAndPorts() {
        assertThat(new Converters.AboveZero().convert("0.5")).isEqualTo(0.5);
        for (String refused : new String[] {"0", "-1", "NaN", "Infinity"}) {
            assertThatThrownBy(() -> new Converters.AboveZero().convert(refused))
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("must be a number above 0, not " + refused);
        }
        assertThatThrownBy(() -> new Converters.AboveZero().convert("many")).hasMessage("'many' is not a number");
        assertThat(new Converters.LongerThanZero().convert("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> new Converters.LongerThanZero().convert("0s")).hasMessage("'0s' is no time; give more than 0 (e.g. 5s)");
        assertThatThrownBy(() -> new Converters.LongerThanZero().convert("PT-5S")).hasMessageContaining("is negative");
        assertThat(new Converters.PortOrZero().convert("0")).isZero();
        assertThat(new Converters.PortOrZero().convert("65535")).isEqualTo(65_535);
        assertThatThrownBy(() -> new Converters.PortOrZero().convert("65536"))
                .hasMessage("must be a port from 1 to 65535, or 0 for a free one, not 65536");
    }

    @Test
    void aJobRefusesThemWhileParsingItsOptions() {
        JobOptions options = new JobOptions();
        assertThatThrownBy(() -> new CommandLine(options).parseArgs("--parallelism", "-1"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("Invalid value for option '--parallelism': must be at least 1, not -1");
        assertThatThrownBy(() -> new CommandLine(new JobOptions()).parseArgs("--flush-interval", "PT-1S"))
                .hasMessage("Invalid value for option '--flush-interval': 'PT-1S' is negative; give 0 or more (e.g. 5m)");
    }

    @Test
    void anExchangeRateIsADecimalAboveZero() {
        EventTimeOptions options = new EventTimeOptions();
        new CommandLine(options).parseArgs("--fx-rate", "USD=7.10", "--fx-rate", "EUR=7.7");
        assertThat(options.fxRates).containsExactly(entry("USD", new BigDecimal("7.10")), entry("EUR", new BigDecimal("7.7")));
        assertThatThrownBy(() -> new CommandLine(new EventTimeOptions()).parseArgs("--fx-rate", "USD=abc"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("Invalid value for option '--fx-rate' (<CODE=RATE>): 'abc' is not a rate; give a decimal number (e.g. USD=7.10)");
        for (String refused : new String[] {"0", "-7.10", "0.00"}) {
            assertThatThrownBy(() -> new CommandLine(new EventTimeOptions()).parseArgs("--fx-rate", "USD=" + refused))
                    .hasMessageEndingWith("must be a rate above 0, not " + refused);
        }
    }
}
