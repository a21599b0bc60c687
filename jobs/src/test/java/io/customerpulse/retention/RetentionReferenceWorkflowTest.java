package io.customerpulse.retention;

import static io.customerpulse.testing.Times.at;
import static io.customerpulse.testing.Times.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.cli.JobOptions;
import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.JobControl;
import io.customerpulse.generator.NoisyTraffic;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.ingest.EventDecoder;
import io.customerpulse.ingest.IngestRecord;
import io.customerpulse.ingest.IngestRouter;
import io.customerpulse.ingest.LiveWatermarks;
import io.customerpulse.retention.RetentionReference.Canonical;
import io.customerpulse.testing.CollectingSink;
import io.customerpulse.testing.Events;
import io.customerpulse.testing.Harnesses;

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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The retention dataflow on a Flink mini cluster over a generated history (every status,
 * out-of-order delivery within the lateness, duplicates, and event ids reused days later) agrees
 * row for row with the brute-force {@link RetentionReference}, both with a clock that runs to the
 * end of time (the end of a bounded input) and with a clock that ends at the newest event.
 */
class RetentionReferenceWorkflowTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long DAY = 86_400_000L;

    private final EventDecoder decoder = new EventDecoder(new EventValidator(EventValidator.DEFAULT_EARLIEST,
            Duration.ofDays(3650), new CurrencyConverter("CNY", Map.of())));
    private long offset;

    @Test
    void aClockRunToTheEndOfTimeMatchesTheReference() throws Exception {
        History history = history();
        compare(history, new JobControl(), Long.MAX_VALUE, "end");
    }

    @Test
    void aClockEndingAtTheNewestEventMatchesTheReference() throws Exception {
        History history = history();
        compare(history, JobControl.clockEnd(history.newest, false), history.newest, "newest");
    }

    /**
     * README "Late events": an event that arrives out of order but within the allowed lateness
     * counts exactly as if it had arrived in order; a backfill (events sorted by event time) keeps
     * the earliest copy of an id. Here the day-3 copy arrives before the day-0 one: the day-0 click
     * counts and the day-3 one is the duplicate.
     */
    @Test
    void anIdReusedWithinTheHorizonCountsItsEarliestEventWhateverTheArrivalOrder() throws Exception {
        PulseEvent other = Events.click("o", "x", at(0, 9));
        PulseEvent original = Events.click("k", "x", at(0, 10));
        PulseEvent reused = Events.click("k", "x", at(3, 10));
        var harness = Harnesses.keyed(new UserRetentionOperator(new UserRetentionFunction(RetentionSettings.defaults())),
                (PulseEvent e) -> e.userId, null, 1, 1, 0);
        harness.processElement(other, other.eventTime);
        harness.processElement(reused, reused.eventTime); // arrives first, the clock still before both
        harness.processElement(original, original.eventTime);
        harness.processWatermark(day(5));
        List<UserRetentionRow> rows = harness.extractOutputValues();
        harness.close();

        RetentionReference.Result expected =
                new RetentionReference(RetentionSettings.defaults()).compute(List.of(other, original, reused), day(5));
        assertThat(actualUsers(rows)).containsExactlyElementsOf(expected.userRetention());
    }

    private record History(List<IngestRecord> input, List<PulseEvent> admitted, long newest) {}

    /**
     * About 60 days of generated traffic (duplicates at the same event time included), plus copies
     * of a few events re-sent with the same event_id 8 and 16 days later: outside the 7-day dedup
     * horizon of each other, so each counts whatever the arrival order; and copies of a few other
     * events 2 minutes later that arrive just before their original (within the 5-minute lateness):
     * inside the horizon, so the original counts and the copy is the duplicate.
     */
    private History history() {
        long start = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        NoisyTraffic traffic = new NoisyTraffic(new TrafficGenerator(23, start, 25), 23, NoisyTraffic.Noise.IN_ORDER_ENOUGH);
        List<NoisyTraffic.WireRecord> wire = new ArrayList<>();
        traffic.emitUntil(start + Duration.ofDays(60).toMillis(), Integer.MAX_VALUE, wire::add);
        List<IngestRecord> input = new ArrayList<>();
        for (NoisyTraffic.WireRecord r : wire) {
            input.add(decoder.decode(r.type(), r.key(), r.value(), r.type().word() + "s", 0, offset++,
                    System.currentTimeMillis()));
        }
        Random random = new Random(5);
        long end = start + Duration.ofDays(60).toMillis();
        List<PulseEvent> reused = new ArrayList<>();
        for (IngestRecord r : input) {
            if (r.isEvent() && random.nextDouble() < 0.01) {
                for (int days : new int[] {8, 16}) {
                    PulseEvent copy = EventMapper.toPulseEvent(EventMapper.toAvro(r.event));
                    copy.eventTime += days * DAY;
                    if (copy.eventTime <= end) {
                        reused.add(copy);
                    }
                }
            }
        }
        for (PulseEvent e : reused) {
            int at = 0;
            while (at < input.size() && input.get(at).event.eventTime <= e.eventTime) {
                at++;
            }
            input.add(at, decoder.decode(e.type, null, EventCodec.encode(EventMapper.toAvro(e)), e.type.word() + "s", 0,
                    offset++, System.currentTimeMillis()));
        }
        for (int i = input.size() - 1; i >= 0; i--) {
            if (random.nextDouble() < 0.01) {
                PulseEvent copy = EventMapper.toPulseEvent(EventMapper.toAvro(input.get(i).event));
                copy.eventTime += Duration.ofMinutes(2).toMillis();
                input.add(i, decoder.decode(copy.type, null, EventCodec.encode(EventMapper.toAvro(copy)),
                        copy.type.word() + "s", 0, offset++, System.currentTimeMillis()));
            }
        }
        List<PulseEvent> admitted = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (IngestRecord r : input) {
            assertThat(r.isEvent()).isTrue();
            admitted.add(r.event);
            newest = Math.max(newest, r.event.eventTime);
        }
        assertThat(admitted).hasSizeGreaterThan(2000);
        return new History(input, admitted, newest);
    }

    private void compare(History history, JobControl control, long clock, String name) throws Exception {
        RetentionSettings settings = RetentionSettings.defaults();
        RetentionReference.Result expected = new RetentionReference(settings).compute(history.admitted, clock);
        assertThat(expected.transitions()).anyMatch(s -> s.contains(" | resurrected | "))
                .anyMatch(s -> s.contains(" | at_risk | "));

        JobOptions job = JobOptions.parse("--parallelism", "2", "--checkpoint-interval", "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.flinkConfiguration("test"));
        DataStream<IngestRecord> ingested = env.fromData(history.input, TypeInformation.of(IngestRecord.class))
                .uid("test-source")
                .assignTimestampsAndWatermarks(LiveWatermarks.strategy(Duration.ofMinutes(5), Duration.ofMinutes(1), null))
                .uid("test-watermarks");
        CollectingSink<List<UserRetentionRow>> users = CollectingSink.named(name + "-users");
        CollectingSink<StatusTransition> transitions = CollectingSink.named(name + "-transitions");
        CollectingSink<CohortRow> cohorts = CollectingSink.named(name + "-cohorts");
        CollectingSink<DeadLetter> deadLetters = CollectingSink.named(name + "-dead-letters");
        SingleOutputStreamOperator<PulseEvent> events = ingested.process(new IngestRouter()).uid("test-router");
        events.getSideOutput(IngestRouter.DEAD_LETTERS)
                .union(RetentionJob.defineWorkflow(events, env.fromData(control).uid("test-control"),
                        new RetentionSinks(users, transitions, cohorts), settings, 100))
                .sinkTo(deadLetters).uid("test-dead-letters");
        env.execute("retention reference workflow test " + name);

        assertThat(deadLetters.values()).isEmpty();
        String differences = differences("retention_transitions", actualTransitions(transitions.values()),
                expected.transitions())
                + differences("user_retention", actualUsers(CollectingSink.rowsOf(users)), expected.userRetention())
                + differences("retention_cohorts", actualCohorts(cohorts.values()), expected.cohorts());
        if (!differences.isEmpty()) {
            throw new AssertionError(differences + timelines(differences, history.admitted));
        }
    }

    /** Nothing for equal lists, else the first rows only the job or only the reference has. */
    private static String differences(String table, List<String> actual, List<String> expected) {
        if (actual.equals(expected)) {
            return "";
        }
        List<String> onlyJob = new ArrayList<>(actual);
        onlyJob.removeAll(expected);
        List<String> onlyReference = new ArrayList<>(expected);
        onlyReference.removeAll(actual);
        return table + ": " + actual.size() + " rows from the job, " + expected.size()
                + " from the reference\nonly the job (first 20):\n  " + String.join("\n  ", head(onlyJob))
                + "\nonly the reference (first 20):\n  " + String.join("\n  ", head(onlyReference)) + "\n";
    }

    /** The admitted events of (at most five) users named in the differences, to reproduce a case. */
    private static String timelines(String differences, List<PulseEvent> admitted) {
        java.util.Set<String> named = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(u-\\d+) \\|").matcher(differences);
        while (m.find() && named.size() < 5) {
            named.add(m.group(1));
        }
        StringBuilder out = new StringBuilder();
        for (String user : named) {
            out.append("events of ").append(user).append(":\n");
            admitted.stream().filter(e -> e.userId.equals(user))
                    .sorted(Comparator.comparingLong((PulseEvent e) -> e.eventTime).thenComparing(e -> e.eventId))
                    .forEach(e -> out.append("  ").append(e.eventTime).append(' ').append(e).append('\n'));
        }
        return out.toString();
    }

    private static List<String> head(List<String> rows) {
        return rows.subList(0, Math.min(20, rows.size()));
    }

    /** The table's content: per user the row with the newest as_of (upserts are conditional on it). */
    private static List<String> actualUsers(List<UserRetentionRow> rows) {
        Map<String, UserRetentionRow> newest = new TreeMap<>();
        rows.forEach(r -> newest.merge(r.userId, r, (a, b) -> b.asOf >= a.asOf ? b : a));
        List<String> out = new ArrayList<>();
        for (UserRetentionRow r : newest.values()) {
            out.add(Canonical.row(r.userId, r.status, Canonical.decimal6(r.activityScore), r.firstSeenAt,
                    r.lastActiveAt, r.acquisitionChannel, r.clicks, r.shares, r.purchases,
                    Canonical.money(r.revenueMinor), r.frequency, r.recencyDays, r.ageDays,
                    Canonical.decimal6(r.pAlive), Canonical.decimal6(r.expectedPurchases30d),
                    Canonical.decimal6(r.riskAfterDays), r.asOf));
        }
        return out;
    }

    /** The table's content: unique on (user_id, transition_at, to_status), in the reference's order. */
    private static List<String> actualTransitions(List<StatusTransition> rows) {
        Map<String, StatusTransition> unique = new TreeMap<>();
        rows.forEach(t -> unique.putIfAbsent(t.userId + "|" + t.transitionAt + "|" + t.toStatus, t));
        return unique.values().stream()
                .sorted(Comparator.comparing((StatusTransition t) -> t.userId)
                        .thenComparingLong(t -> t.transitionAt).thenComparing(t -> t.toStatus))
                .map(t -> Canonical.row(t.userId, t.fromStatus, t.toStatus, t.transitionAt))
                .toList();
    }

    private static List<String> actualCohorts(List<CohortRow> rows) {
        Map<String, CohortRow> newest = new TreeMap<>();
        rows.forEach(r -> newest.merge(r.rowKey(), r, (a, b) -> b.asOf >= a.asOf ? b : a));
        return newest.values().stream()
                .sorted(Comparator.comparingInt((CohortRow r) -> r.cohortDay).thenComparing(r -> r.channel)
                        .thenComparingInt(r -> r.dayN))
                .map(r -> Canonical.row(LocalDate.ofEpochDay(r.cohortDay), r.channel, r.dayN, r.activeUsers,
                        r.cohortSize, r.asOf))
                .toList();
    }
}
