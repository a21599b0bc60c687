package io.customerpulse.reach;

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

import org.apache.flink.api.common.typeinfo.TypeInformation;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reach dataflow on a Flink mini cluster over generated traffic with cascades, shares
 * delivered after their clicks, skewed share clocks, self-referrals, unknown shares and
 * duplicates: every wom_reach and wom_daily row equals the brute-force reference.
 */
class ReachWorkflowTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

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
        env.execute("reach workflow test");

        Map<String, WomReachRow> finalReach = new TreeMap<>();
        for (WomReachRow r : CollectingSink.rowsOf(reach)) {
            finalReach.merge(r.userId, r, (a, b) -> b.asOf >= a.asOf ? b : a);
        }
        Map<String, String> actualReach = new TreeMap<>();
        finalReach.forEach((user, row) -> actualReach.put(user, row.figures()));
        assertThat(actualReach).containsExactlyEntriesOf(expected.reachRows());

        Map<String, WomDailyRow> finalDaily = new TreeMap<>();
        for (WomDailyRow r : daily.values()) {
            finalDaily.merge(r.rowKey(), r, (a, b) -> b.asOf >= a.asOf ? b : a);
        }
        Map<String, String> actualDaily = new TreeMap<>();
        finalDaily.forEach((key, row) -> actualDaily.put(key, row.figures()));
        assertThat(actualDaily).containsExactlyEntriesOf(expected.dailyRows());

        // Unknown shares and self-referrals happened and were handled.
        assertThat(deadLetters.values()).extracting(d -> d.reason).contains("unknown_share").doesNotContain("late_event");
    }
}
