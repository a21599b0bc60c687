package io.customerpulse.cli;

import io.customerpulse.flink.PendingEvents;

import picocli.CommandLine.Option;

/** Where a live job's user timeline keeps the events waiting for the event-time clock. */
public class WaitingOnHeapOptions {
    @Option(names = "--max-waiting-on-heap", paramLabel = "<events>", defaultValue = "" + PendingEvents.DEFAULT_LIMIT,
            description = "Events each parallel instance of the user timeline keeps on its JVM heap (about 300 bytes each, "
                    + "checkpointed with the job) while they wait for the event-time clock; arrival then reads and writes no "
                    + "user's value. More wait in the users' RocksDB state, a read and a write each. What waits is the traffic's "
                    + "rate in event time times --allowed-lateness, live or catching up alike. Default: ${DEFAULT-VALUE}.")
    public int maxWaitingOnHeap;
}
