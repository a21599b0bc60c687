package io.customerpulse.cli;

import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.EventValidator;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Admission of events, live or replayed: plausible times, duplicates, calendar days, currencies.
 * How a live job's event-time clock follows the topics is {@link LiveClockOptions}.
 */
public class EventTimeOptions {
    @Option(names = "--time-zone", defaultValue = "UTC", converter = Converters.ZoneConverter.class,
            description = "Zone of calendar days: active days, purchase days, cohorts, K-factor days. Default: ${DEFAULT-VALUE}.")
    public ZoneId timeZone;

    @Option(names = "--dedup-horizon", defaultValue = "7d", converter = Converters.DurationConverter.class,
            description = "How long (event time) an event_id is remembered to drop duplicates. Default: ${DEFAULT-VALUE}.")
    public Duration dedupHorizon;

    @Option(names = "--earliest-event-time", defaultValue = "1990-01-01T00:00:00Z", converter = Converters.InstantConverter.class,
            description = "Events before this instant are refused as event_time_too_old. Default: ${DEFAULT-VALUE}.")
    public Instant earliestEventTime;

    @Option(names = "--max-ahead", defaultValue = "1d", converter = Converters.DurationConverter.class,
            description = "Events further than this ahead of the wall clock are refused as event_time_in_future. Default: ${DEFAULT-VALUE}.")
    public Duration maxAhead;

    @Option(names = "--reporting-currency", defaultValue = "CNY",
            description = "Currency of all revenue figures. Default: ${DEFAULT-VALUE}.")
    public String reportingCurrency;

    @Option(names = "--fx-rate", paramLabel = "<CODE=RATE>",
            converter = {CommandLine.UseDefaultConverter.class, Converters.ExchangeRate.class},
            description = "Fixed conversion into the reporting currency, e.g. USD=7.10 (repeatable). Purchases in a currency without a rate are refused as unknown_currency.")
    public Map<String, BigDecimal> fxRates = new LinkedHashMap<>();

    public EventValidator validator() {
        return new EventValidator(earliestEventTime, maxAhead, new CurrencyConverter(reportingCurrency, fxRates));
    }
}
