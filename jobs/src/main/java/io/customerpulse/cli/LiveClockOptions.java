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
            description = "A partition silent this long (wall clock; with --max-split-drift, not counting time Flink held "
                    + "back a partition that has had events) stops holding the event-time clock back. Default: ${DEFAULT-VALUE}.")
    public Duration idleTimeout;

    @Option(names = "--wall-clock-heartbeat", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
            description = "Live traffic only: when a partition whose newest event arrived within the allowed lateness of "
                    + "its event time has been silent this long (not counting time Flink held it back: backpressure, "
                    + "--max-split-drift), its event-time clock follows the wall clock (minus the "
                    + "allowed lateness), so statuses keep changing on time when no events arrive at all. Replayed history "
                    + "never triggers it. Default: off (event time moves only with events).")
    public Duration wallClockHeartbeat;

    @Option(names = "--max-split-drift", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
            description = "Catching up on a backlog in Kafka: pause a partition whose event-time clock runs more than "
                    + "this ahead of the slowest partition (Flink's watermark alignment, announced every 100 ms). Kafka "
                    + "hands out a backlog in equal bytes per partition, so the sparse topics (purchases, shares) run "
                    + "days of event time ahead of the clicks and their events wait in the job, beyond "
                    + "--max-waiting-on-heap in the users' state; with this they wait in Kafka. It also caps the catch-up "
                    + "at about ten times this much event time per second of wall clock: choose it above a tenth of the "
                    + "job's events/s divided by the traffic's events per second of event time, and small enough that "
                    + "this much of the sparse topics' traffic fits on the heap. Not with --history. Default: off.")
    public Duration maxSplitDrift;
}
