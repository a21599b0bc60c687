package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.cli.PulseJob;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.history.HistoryWriter;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.sink.JdbcTarget;

import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Backfill, then continue live, without processing history twice: the live jobs start with
 * --history (files, read at full speed) and --history-end (Kafka from there, by record
 * timestamp). Their tables equal a backfill of the whole history; the events in Kafka from
 * before the hand-over instant are not read again.
 */
class HistoryThenLiveTest {
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(2);

    @Test
    void historyFilesThenKafkaGiveTheSameTablesAsABackfillOfAll() throws Exception {
        long start = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        long handOver = start + Duration.ofDays(60).toMillis();
        NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(33, start, 10), 33, NoisyTraffic.Noise.IN_ORDER_ENOUGH);
        List<PulseEvent> events = new ArrayList<>();
        EventCodec codec = new EventCodec();
        traffic.emitUntil(start + Duration.ofDays(100).toMillis(), Integer.MAX_VALUE, r -> {
            try {
                events.add(EventMapper.toPulseEvent(codec.decode(r.type(), r.value())));
            } catch (EventCodec.DecodeException impossible) {
                throw new IllegalStateException(impossible);
            }
        });
        long newest = events.stream().mapToLong(e -> e.eventTime).max().orElseThrow();
        Path all = STACK.directory("history").resolve("all.jsonl.gz");
        Path past = STACK.directory("history").resolve("past.jsonl.gz");
        try (HistoryWriter everything = new HistoryWriter(all); HistoryWriter before = new HistoryWriter(past);
             EventPublisher kafka = new EventPublisher(STACK.kafka().bootstrapServers(), LocalStackExtension.TOPICS, new Properties())) {
            for (PulseEvent e : events) {
                everything.write(e);
                if (e.eventTime < handOver) {
                    before.write(e);
                }
            }
            // Kafka holds the last weeks of the past too (its retention), then everything after the hand-over.
            for (PulseEvent e : events) {
                if (e.eventTime >= handOver - Duration.ofDays(7).toMillis()) {
                    kafka.publish(e);
                }
            }
            PulseEvent clock = new PulseEvent();
            clock.type = EventType.CLICK;
            clock.eventId = "clock";
            clock.userId = "~clock";
            clock.eventTime = newest + Duration.ofMinutes(5).toMillis() + 1;
            clock.channel = "web";
            clock.page = "/";
            kafka.publish(clock);
        }

        LocalPostgres pg = STACK.postgres();
        try (LocalFlink flink = LocalFlink.start(4)) {
            JobID retention = flink.submit(live(new RetentionJob(), past, handOver));
            JobID reach = flink.submit(live(new ReachJob(), past, handOver));
            JobClock.awaitReached(flink, retention, newest);
            JobClock.awaitReached(flink, reach, newest);
            Tables.awaitStable(pg.appTarget());
            flink.cancelAndWait(retention);
            flink.cancelAndWait(reach);
        }

        String url = pg.createDatabase("backfill_all");
        BackfillCommand backfill = new BackfillCommand();
        backfill.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        new CommandLine(backfill).parseArgs("--input", all.toString(), "--jdbc-url", url, "--jdbc-user", LocalPostgres.APP_USER,
                "--dead-letters", STACK.directory("dead-letters").toString());
        backfill.jdbc.password = pg.appTarget().password();
        assertThat(backfill.call()).isZero();

        JdbcTarget backfilled = new JdbcTarget(url, LocalPostgres.APP_USER, pg.appTarget().password());
        Tables.assertSameTables(Tables.RETENTION, backfilled, pg.appTarget());
        Tables.assertSameTables(Tables.REACH, backfilled, pg.appTarget());
    }

    /**
     * --idle-timeout 20s: at the hand-over to Kafka, a partition whose first records take longer
     * than the idle timeout to arrive stops holding the clock back, and its events come in late. A
     * CI run of 2026-12-03 with 3 s refused thousands of events of both clicks partitions as late,
     * the clock already 5 minutes before the newest event, and the reach tables differed from the
     * backfill's. The default, 1 minute, leaves production more room.
     */
    private static <J extends PulseJob> J live(J job, Path history, long handOver) throws Exception {
        return STACK.liveJob(job, STACK.postgres().jdbcUrl(), job.jobName(), List.of(
                "--history", history.toString(), "--history-end", Instant.ofEpochMilli(handOver).toString(),
                "--idle-timeout", "20s", "--checkpoint-interval", "2s", "--flush-interval", "200ms", "--parallelism", "2"));
    }
}
