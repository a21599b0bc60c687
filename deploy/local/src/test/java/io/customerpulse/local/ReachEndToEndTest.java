package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.EventType;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.TopicNames;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.reach.ReachReference;
import io.customerpulse.reach.ReachSettings;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import picocli.CommandLine;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Word of mouth end to end: generated traffic with cascades, out-of-order shares, self-referrals,
 * unknown shares and duplicates through a real Kafka (two partitions per topic) into the reach job
 * and a real PostgreSQL; every wom_reach and wom_daily row equals the brute-force reference over
 * the same events, computed without any of the streaming code.
 */
class ReachEndToEndTest {
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(2);
    static LocalKafka kafka;
    static LocalPostgres postgres;

    @BeforeAll
    static void stack() {
        kafka = STACK.kafka();
        postgres = STACK.postgres();
    }

    @Test
    void everyRowEqualsTheBruteForceReference() throws Exception {
        long start = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
        long end = start + Duration.ofDays(40).toMillis();
        NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(5, start, 60), 5, NoisyTraffic.Noise.IN_ORDER_ENOUGH);
        List<NoisyTraffic.WireRecord> wire = new ArrayList<>();
        traffic.emitUntil(end, Integer.MAX_VALUE, wire::add);

        // What the job will admit: the same decoder the job uses, on the same bytes.
        EventDecoder decoder = new EventDecoder(new EventValidator(EventValidator.DEFAULT_EARLIEST, Duration.ofDays(1),
                new CurrencyConverter("CNY", Map.of())));
        List<PulseEvent> admitted = new ArrayList<>();
        for (NoisyTraffic.WireRecord r : wire) {
            IngestRecord record = decoder.decode(r.type(), r.key(), r.value(), "t", 0, 0, System.currentTimeMillis());
            assertThat(record.isEvent()).isTrue();
            admitted.add(record.event);
        }
        ReachSettings settings = ReachSettings.defaults();
        ReachReference.Result expected = new ReachReference(settings).compute(admitted);
        assertThat(expected.reachRows()).hasSizeGreaterThan(50);

        try (EventPublisher publisher = new EventPublisher(kafka.bootstrapServers(), TOPICS, new Properties())) {
            wire.forEach(publisher::publish);
            // Moves the event-time clock far past the history, so every wait and timer runs out.
            PulseEvent clock = new PulseEvent();
            clock.type = EventType.CLICK;
            clock.eventId = "clock";
            clock.userId = "clock";
            clock.eventTime = end + Duration.ofDays(30).toMillis();
            clock.channel = "web";
            clock.page = "/";
            publisher.publish(clock);
            publisher.flush();
        }

        ReachJob job = new ReachJob();
        new CommandLine(job).parseArgs(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--jdbc-url", postgres.jdbcUrl(), "--jdbc-user", LocalPostgres.APP_USER,
                "--idle-timeout", "3s", "--max-ahead", "3650d",
                "--checkpoint-interval", "2s", "--checkpoint-dir", STACK.directory("checkpoints").toUri().toString(),
                "--flush-interval", "200ms", "--parallelism", "2");
        job.jdbc.password = postgres.appTarget().password();
        JobClient client = job.start(StreamExecutionEnvironment.createLocalEnvironment(
                job.job.flinkConfiguration(ReachJob.JOB_NAME)));
        try {
            long deadline = System.currentTimeMillis() + 180_000;
            Map<String, String> reach = Map.of();
            Map<String, String> daily = Map.of();
            while (System.currentTimeMillis() < deadline) {
                reach = readReach();
                daily = readDaily();
                if (reach.equals(expected.reachRows()) && daily.equals(expected.dailyRows())) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertThat(reach).containsExactlyEntriesOf(expected.reachRows());
            assertThat(daily).containsExactlyEntriesOf(expected.dailyRows());
        } finally {
            client.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> readReach() {
        try {
            return CanonicalTables.womReach(postgres.readerTarget());
        } catch (SQLException notYetCreated) {
            return Map.of();
        }
    }

    private static Map<String, String> readDaily() {
        try {
            return CanonicalTables.womDaily(postgres.readerTarget());
        } catch (SQLException notYetCreated) {
            return Map.of();
        }
    }
}
