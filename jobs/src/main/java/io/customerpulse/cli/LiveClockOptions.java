package io.customerpulse.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * How a live job's event-time clock (the watermark) follows its topics: lateness, idleness and the
 * optional wall-clock heartbeat. A backfill has none of them: its clock is its input's newest
 * event (or --as-of), and it refuses nothing as late.
 */
public class LiveClockOptions {
    @Option(names = "--allowed-lateness", defaultValue = "5m", converter = Converters.DurationConverter.class,
            description = "How far behind the newest event an event may arrive and still count. The event-time clock (watermark) trails the newest event by this much; later events go to the dead-letter topic. Default: ${DEFAULT-VALUE}.")
    public Duration allowedLateness;

    @Option(names = "--idle-timeout", defaultValue = "1m", converter = Converters.DurationConverter.class,
            description = "A partition silent this long (wall clock) stops holding the event-time clock back. Default: ${DEFAULT-VALUE}.")
    public Duration idleTimeout;

    @Option(names = "--wall-clock-heartbeat", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
            description = "Live traffic only: when a partition whose newest event arrived within the allowed lateness of "
                    + "its event time has been silent this long, its event-time clock follows the wall clock (minus the "
                    + "allowed lateness), so statuses keep changing on time when no events arrive at all. Replayed history "
                    + "never triggers it. Default: off (event time moves only with events).")
    public Duration wallClockHeartbeat;
}
