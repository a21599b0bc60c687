package io.customerpulse.reach;

import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.cli.JobOptions;
import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.flink.JobControl;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.LiveWatermarks;
import io.customerpulse.testing.CollectingSink;
import io.customerpulse.testing.Events;
import io.customerpulse.testing.ReportedCounters;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reach dataflow on a Flink mini cluster over generated traffic with cascades, shares
 * delivered after their clicks, skewed share clocks, self-referrals, unknown shares and
 * duplicates: every wom_reach and wom_daily row equals the brute-force reference.
 */
class ReachWorkflowTest {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics(); // read after the job ended

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration())).build());

    @Test
    void everyRowMatchesTheBruteForceReference() throws Exception {
        long start = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(11, start, 120), 11, NoisyTraffic.Noise.IN_ORDER_ENOUGH);
        List<NoisyTraffic.WireRecord> wire = new ArrayList<>();
        traffic.emitUntil(start + Duration.ofDays(60).toMillis(), Integer.MAX_VALUE, wire::add);

        EventDecoder decoder = new EventDecoder(new EventValidator(EventValidator.DEFAULT_EARLIEST, Duration.ofDays(3650),
                new CurrencyConverter("CNY", Map.of())));
        List<IngestRecord> input = new ArrayList<>();
        List<PulseEvent> admitted = new ArrayList<>();
        long offset = 0;
        for (NoisyTraffic.WireRecord r : wire) {
            IngestRecord record = decoder.decode(r.type(), r.key(), r.value(), r.type().word() + "s", 0, offset++,
                    System.currentTimeMillis());
            input.add(record);
            assertThat(record.isEvent()).isTrue();
            admitted.add(record.event);
        }
        ReachSettings settings = ReachSettings.defaults();
        ReachReference.Result expected = new ReachReference(settings).compute(admitted);
        assertThat(expected.reachRows()).hasSizeGreaterThan(100);
        assertThat(expected.reachRows().values()).anyMatch(r -> r.contains("cascade=") && !r.contains("cascade=0/0")
                && !r.contains("/1 referred"));

        Outcome actual = run(input, settings);
        assertThat(actual.reach()).containsExactlyEntriesOf(expected.reachRows());
        assertThat(actual.daily()).containsExactlyEntriesOf(expected.dailyRows());

        // Unknown shares, forwarded links (owner conflicts) and self-referrals happened and were handled.
        assertThat(actual.deadLetterReasons()).contains("unknown_share", "share_owner_conflict").doesNotContain("late_event");
        assertThat(actual.counter("selfTouches")).isPositive();
    }

    /**
     * The README's example, drawn by hand and sent as events: A acquires B, B acquires C and D, D
     * acquires E. X's first event claims A's share (a conflict), so X is organic, and X's later
     * click through B's share only adds to B's reach. E's purchase is sent twice within an hour
     * (it counts once) and its id comes again 9 days later (past the 7-day dedup horizon, it counts
     * again). Every figure below is counted by hand.
     */
    @Test
    void theReadmeCascadeFromEventsGivesTheFiguresCountedByHand() throws Exception {
        List<PulseEvent> events = new ArrayList<>(List.of(
                Events.share("a-1", "A", at(0, 9), "share-a"),
                touch(Events.click("b-1", "B", at(0, 10)), "share-a"),           // B's first event: A acquires B
                Events.share("b-2", "B", at(1, 9), "share-b"),
                touch(Events.click("c-1", "C", at(1, 10)), "share-b"),           // B acquires C
                touch(Events.purchase("d-1", "D", at(1, 11), 1000), "share-b"),  // B acquires D; 10.00 referred by B
                Events.share("d-2", "D", at(2, 9), "share-d"),
                touch(Events.click("e-1", "E", at(2, 10)), "share-d"),           // D acquires E
                Events.purchase("e-2", "E", at(5, 10), 2000),                    // latest touch 3 days before: D's
                Events.purchase("e-2", "E", at(5, 11), 2000),                    // sent again an hour later: a duplicate
                Events.purchase("e-2", "E", at(14, 10), 2000),                   // the id 9 days on: counts again, no touch within 7 days
                touch(Events.click("a-2", "A", at(0, 11)), "share-a"),           // A through A's own share: ignored
                Events.share("x-1", "X", at(3, 9), "share-a"),                   // X claims A's share: a conflict
                touch(Events.click("x-2", "X", at(3, 10)), "share-b")));         // a touch, not an acquisition
        events.add(Events.click("clock", "clock", day(40))); // moves the clock past every wait

        Map<String, String> byHand = new TreeMap<>(Map.of(
                "A", "A shares=1 direct=1 acquired=1 cascade=4/3 referred=0/0 acquiredRevenue=0 by=null",
                "B", "B shares=1 direct=3 acquired=2 cascade=3/2 referred=1/1000 acquiredRevenue=1000 by=A",
                "D", "D shares=1 direct=1 acquired=1 cascade=1/1 referred=1/2000 acquiredRevenue=4000 by=B"));
        ReachSettings settings = ReachSettings.defaults();
        assertThat(new ReachReference(settings).compute(events).reachRows()).containsExactlyEntriesOf(byHand);

        events.sort(Comparator.comparingLong(e -> e.eventTime)); // days apart: in order, or they would be late
        Outcome actual = run(events.stream().map(IngestRecord::of).toList(), settings);
        assertThat(actual.reach()).containsExactlyEntriesOf(byHand);
        assertThat(actual.deadLetterReasons()).containsExactly("share_owner_conflict");
        assertThat(actual.counter("shareOwnerConflicts")).isEqualTo(1);
        assertThat(actual.counter("selfTouches")).isEqualTo(1);
        assertThat(actual.counter("unknownShares")).isZero();
    }

    private static PulseEvent touch(PulseEvent event, String shareId) {
        event.shareId = shareId;
        return event;
    }

    record Outcome(Map<String, String> reach, Map<String, String> daily, List<String> deadLetterReasons, JobID job) {
        /** A counter of the run's operators, summed over subtasks, as a metric reporter sees it. */
        long counter(String name) {
            return ReportedCounters.sum(METRICS, job, name, Map.of());
        }
    }

    /** The reach dataflow over {@code input}: the final figures of every row, and the dead letters' reasons. */
    private static Outcome run(List<IngestRecord> input, ReachSettings settings) throws Exception {
        JobOptions job = JobOptions.parse("--parallelism", "2", "--checkpoint-interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.flinkConfiguration("test"));
        DataStream<IngestRecord> ingested = env.fromData(input, TypeInformation.of(IngestRecord.class))
                .uid("test-source")
                .assignTimestampsAndWatermarks(LiveWatermarks.strategy(Duration.ofMinutes(5), Duration.ofMinutes(1), null))
                .uid("test-watermarks");
        CollectingSink<List<WomReachRow>> reach = CollectingSink.named("wom-reach");
        CollectingSink<WomDailyRow> daily = CollectingSink.named("wom-daily");
        CollectingSink<DeadLetter> deadLetters = CollectingSink.named("wom-dead-letters");
        SingleOutputStreamOperator<PulseEvent> events = ingested.process(new IngestRouter()).uid("test-router");
        events.getSideOutput(IngestRouter.DEAD_LETTERS)
                .union(ReachJob.defineWorkflow(events, env.fromData(new JobControl()).uid("test-control"),
                        new ReachSinks(reach, daily), settings, 100))
                .sinkTo(deadLetters).uid("test-dead-letters");
        JobID jobId = env.execute("reach workflow test").getJobID();

        Map<String, WomReachRow> finalReach = new TreeMap<>();
        for (WomReachRow r : CollectingSink.rowsOf(reach)) {
            finalReach.merge(r.userId, r, (a, b) -> b.asOf >= a.asOf ? b : a);
        }
        Map<String, String> actualReach = new TreeMap<>();
        finalReach.forEach((user, row) -> actualReach.put(user, row.figures()));

        Map<String, WomDailyRow> finalDaily = new TreeMap<>();
        for (WomDailyRow r : daily.values()) {
            finalDaily.merge(r.rowKey(), r, (a, b) -> b.asOf >= a.asOf ? b : a);
        }
        Map<String, String> actualDaily = new TreeMap<>();
        finalDaily.forEach((key, row) -> actualDaily.put(key, row.figures()));
        return new Outcome(actualReach, actualDaily, deadLetters.values().stream().map(d -> d.reason).toList(), jobId);
    }
}
