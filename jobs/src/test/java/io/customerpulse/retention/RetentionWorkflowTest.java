package io.customerpulse.retention;

import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.cli.JobOptions;
import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.flink.JobControl;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.LiveWatermarks;
import io.customerpulse.testing.CollectingSink;
import io.customerpulse.testing.Events;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole retention dataflow on a Flink mini cluster with the job's own configuration (RocksDB,
 * explicit uids, no generic types): bytes in, rows, transitions, cohorts and dead letters out.
 */
class RetentionWorkflowTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private final EventDecoder decoder = new EventDecoder(new EventValidator(
            EventValidator.DEFAULT_EARLIEST, Duration.ofDays(1), new CurrencyConverter("CNY", Map.of())));
    private long offset;

    private IngestRecord wire(PulseEvent e) {
        return decoder.decode(e.type, null, EventCodec.encode(EventMapper.toAvro(e)), e.type.word() + "s", 0, offset++,
                System.currentTimeMillis());
    }

    @Test
    void bytesInTablesOut() throws Exception {
        List<IngestRecord> input = new ArrayList<>();
        input.add(wire(Events.click("a1", "alice", at(0, 9))));
        input.add(wire(Events.purchase("a2", "alice", at(0, 10), 2500)));
        input.add(wire(Events.purchase("a2", "alice", at(0, 10), 2500))); // duplicate
        input.add(wire(Events.click("b1", "bob", at(1, 9))));
        input.add(decoder.decode(EventType.CLICK, null, "not avro".getBytes(), "clicks", 0, offset++, 0)); // poison
        input.add(wire(Events.click("a3", "alice", at(3, 9))));

        JobOptions job = JobOptions.parse("--parallelism", "2", "--checkpoint-interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.flinkConfiguration("test"));
        DataStream<IngestRecord> ingested = env.fromData(input, TypeInformation.of(IngestRecord.class))
                .uid("test-source")
                .assignTimestampsAndWatermarks(LiveWatermarks.strategy(Duration.ofMinutes(5), Duration.ofMinutes(1), null))
                .uid("test-watermarks");
        CollectingSink<List<UserRetentionRow>> users = CollectingSink.named("users");
        CollectingSink<StatusTransition> transitions = CollectingSink.named("transitions");
        CollectingSink<CohortRow> cohorts = CollectingSink.named("cohorts");
        CollectingSink<DeadLetter> deadLetters = CollectingSink.named("dead-letters");
        SingleOutputStreamOperator<PulseEvent> events = ingested.process(new IngestRouter()).uid("test-router");
        events.getSideOutput(IngestRouter.DEAD_LETTERS)
                .union(RetentionJob.defineWorkflow(events, env.fromData(new JobControl()).uid("test-control"),
                        new RetentionSinks(users, transitions, cohorts), RetentionSettings.defaults(), 100))
                .sinkTo(deadLetters).uid("test-dead-letters");
        env.execute("retention workflow test");

        // The input ends: the clock runs to the end of time and every silent user ends churned.
        UserRetentionRow alice = newest(CollectingSink.rowsOf(users), "alice");
        assertThat(alice.status).isEqualTo("churned");
        assertThat(alice.clicks).isEqualTo(2);
        assertThat(alice.purchases).isEqualTo(1);
        assertThat(alice.revenueMinor).isEqualTo(2500);
        assertThat(alice.acquisitionChannel).isEqualTo("app");
        assertThat(alice.asOf).isEqualTo(at(3, 9) + day(90) - day(0));
        assertThat(transitions.values()).filteredOn(t -> t.userId.equals("alice")).extracting(t -> t.toStatus)
                .containsExactly("new", "active", "at_risk", "dormant", "churned");
        assertThat(transitions.values()).filteredOn(t -> t.userId.equals("bob")).hasSize(5);

        int cohortDay = (int) (day(0) / 86_400_000L);
        assertThat(cohorts.values()).filteredOn(c -> c.cohortDay == cohortDay && c.dayN == 3)
                .extracting(c -> c.activeUsers + "/" + c.cohortSize).containsExactly("1/1");

        assertThat(deadLetters.values()).extracting(d -> d.reason).containsExactly("undecodable");
    }

    private static UserRetentionRow newest(List<UserRetentionRow> rows, String user) {
        return rows.stream().filter(r -> r.userId.equals(user)).max(java.util.Comparator.comparingLong(r -> r.asOf))
                .orElseThrow();
    }
}
