package io.customerpulse.cli;

import io.customerpulse.flink.PendingEvents;
import io.customerpulse.reach.ReachSettings;

import picocli.CommandLine.Option;

import java.time.Duration;

/** The word-of-mouth definitions (README, "Word of mouth"). */
public class ReachOptions {
    @Option(names = "--max-depth", defaultValue = "10",
            description = "Levels of an acquisition subtree counted in cascade_reach and cascade_depth. Default: ${DEFAULT-VALUE}.")
    public int maxDepth;

    @Option(names = "--attribution-window", defaultValue = "7d", converter = Converters.DurationConverter.class,
            description = "A purchase without its own share goes to the latest touch at most this long before it. Default: ${DEFAULT-VALUE}.")
    public Duration attributionWindow;

    @Option(names = "--share-wait", defaultValue = "1d", converter = Converters.DurationConverter.class,
            description = "How long (event time) an event waits for the share event of its share_id before it is an unknown share. Default: ${DEFAULT-VALUE}.")
    public Duration shareWait;

    public ReachSettings settings(EventTimeOptions eventTime) {
        return new ReachSettings(maxDepth, attributionWindow, shareWait, eventTime.timeZone, eventTime.dedupHorizon,
                PendingEvents.DEFAULT_LIMIT);
    }
}
