package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.generator.EventPublisher;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.testing.Events;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.JobID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --max-split-drift} on a backlog in a real broker. A Kafka consumer fetches a backlog in
 * equal bytes per partition, so the sparse topics (purchases and shares, a quarter of the events)
 * run ahead of the clicks in event time, and their events wait in the job until the clicks catch
 * up. Two retention jobs read the same backlog of 200,000 events over 4 days (one partition per
 * topic), one with the default and one with a drift of 2 hours:
 * <ul>
 *   <li>without it, more events wait than the heap takes (20,000 here): the rest arrive to find it
 *       full ({@code eventsBeyondHeap}) and wait in the users' values;
 *   <li>with it, Flink pauses the purchases and shares partitions (and, now and then, the clicks':
 *       between two announcements of the aligned clock the slowest partition may itself move the
 *       drift ahead, which is how alignment caps a replay), and no event finds the heap full;
 *   <li>both write the same tables: alignment changes when events are read, not what they give.
 * </ul>
 * Fetches are 64 KB a partition: several of the producer's batches, so that each fetch is a
 * byte-sized slice, as a megabyte is of gigabytes. (Fetches smaller than a batch return one batch
 * each, which the producer closed after the same few milliseconds on every topic: equal event time,
 * no skew to correct.) Flink aligns a source subtask only once each of its partitions has a clock,
 * so the sparse topics' first fetches are read unaligned; 64 KB keeps them small against the heap.
 */
class SplitDriftTest {
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(1);

    private static final long START = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    private static final Duration LATENESS = Duration.ofSeconds(1);
    private static final int MAX_WAITING_ON_HEAP = 20_000;

    @Test
    void aDriftLimitKeepsTheSparseTopicsFromRunningAheadAndChangesNoRow() throws Exception {
        LocalPostgres postgres = STACK.postgres();
        JdbcTarget app = postgres.appTarget();
        String plainUrl = postgres.createDatabase("drift_plain");
        String alignedUrl = postgres.createDatabase("drift_aligned");
        Path fetches = STACK.directory("kafka").resolve("fetches.properties");
        Files.writeString(fetches, "max.partition.fetch.bytes=65536\n");

        BenchWorkload backlog = new BenchWorkload(17, 2_000, 200_000, START, 4);
        AtomicLong newest = new AtomicLong();
        try (EventPublisher publisher = new EventPublisher(STACK.kafka().bootstrapServers(), LocalStackExtension.TOPICS,
                new Properties())) {
            backlog.forEach(e -> {
                newest.set(Math.max(newest.get(), e.eventTime));
                publisher.publish(e);
            });
            // A click after the newest event by more than the lateness: the clock then passes them all.
            publisher.publish(Events.click("clock", "~clock", newest.get() + LATENESS.toMillis() + 1));
        }
        try (LocalFlink flink = LocalFlink.start(2)) {
            JobID plain = flink.submit(job(plainUrl, "drift-plain", fetches, List.of()));
            JobID aligned = flink.submit(job(alignedUrl, "drift-aligned", fetches, List.of("--max-split-drift", "2h")));
            for (JobID job : List.of(plain, aligned)) {
                JobClock.awaitAllRead(flink, job, backlog.events() + 1);
                JobClock.awaitReached(flink, job, newest.get());
            }
            JdbcTarget plainDb = new JdbcTarget(plainUrl, LocalPostgres.APP_USER, app.password());
            JdbcTarget alignedDb = new JdbcTarget(alignedUrl, LocalPostgres.APP_USER, app.password());
            Tables.awaitStable(plainDb);
            Tables.awaitStable(alignedDb);

            URI rest = flink.restAddress();
            Map<String, Long> plainPaused = pausedMsBySplit(rest, plain);
            Map<String, Long> alignedPaused = pausedMsBySplit(rest, aligned);
            long plainBeyondHeap = timelineCounter(rest, plain, "eventsBeyondHeap");
            long alignedBeyondHeap = timelineCounter(rest, aligned, "eventsBeyondHeap");
            flink.cancelAndWait(plain);
            flink.cancelAndWait(aligned);

            assertThat(plainPaused).as("no split paused without alignment").allSatisfy((split, ms) -> assertThat(ms).isZero());
            assertThat(plainBeyondHeap).as("events that waited beyond the heap without alignment").isGreaterThan(10_000);
            assertThat(alignedPaused).as("paused per split with alignment").containsKeys("purchases-0", "shares-0", "clicks-0");
            assertThat(alignedPaused.get("purchases-0")).as("purchases paused").isPositive();
            assertThat(alignedPaused.get("shares-0")).as("shares paused").isPositive();
            // Zero when measured (against 34,000-35,000 without). A stall of the job's watermark (a
            // checkpoint, a collection) longer than the heap's worth of traffic lets some through:
            // 5,326 against about 42,000 without in one clean-clone CI run (2026-12-05), with both
            // jobs and the build sharing two cores. So the bound is a quarter, not a tenth.
            assertThat(alignedBeyondHeap).as("events that waited beyond the heap with alignment").isLessThan(plainBeyondHeap / 4);

            Tables.assertSameTables(Tables.RETENTION, plainDb, alignedDb);
        }
    }

    private static RetentionJob job(String jdbcUrl, String groupId, Path kafkaProperties, List<String> extra) throws Exception {
        List<String> options = new ArrayList<>(List.of("--kafka-properties", kafkaProperties.toString(),
                "--allowed-lateness", LATENESS.toSeconds() + "s", "--idle-timeout", "3s", "--max-ahead", "3650d",
                "--max-waiting-on-heap", Integer.toString(MAX_WAITING_ON_HEAP),
                "--checkpoint-interval", "5s", "--flush-interval", "200ms", "--parallelism", "1"));
        options.addAll(extra);
        return STACK.liveJob(new RetentionJob(), jdbcUrl, groupId, options);
    }

    /**
     * Flink's per-split metric of the time a split was paused for alignment, summed over the
     * source's subtasks, by split ("purchases-0"): the metric exists only for splits a subtask has.
     */
    private static Map<String, Long> pausedMsBySplit(URI rest, JobID job) throws Exception {
        String suffix = ".watermark.accumulatedPausedTimeMs";
        Map<String, Long> bySplit = new TreeMap<>();
        vertexMetrics(rest, job, "Source: kafka events", suffix).forEach((id, value) -> {
            String split = id.substring(id.indexOf(".split.") + ".split.".length(), id.length() - suffix.length());
            bySplit.merge(split, value, Long::sum);
        });
        return bySplit;
    }

    private static long timelineCounter(URI rest, JobID job, String name) throws Exception {
        return vertexMetrics(rest, job, "user retention timeline", "." + name).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The metrics of the vertex whose name starts with {@code vertexName} whose ids end with
     * {@code suffix}, each summed over its subtasks. Flink's REST API refreshes metrics every few
     * seconds; the jobs have been quiet longer than that when this is called.
     */
    private static Map<String, Long> vertexMetrics(URI rest, JobID job, String vertexName, String suffix) throws Exception {
        String jobId = job.toHexString();
        for (JsonNode vertex : FlinkRest.job(rest, jobId).get("vertices")) {
            if (!vertex.get("name").asText().startsWith(vertexName)) {
                continue;
            }
            String path = "/jobs/" + jobId + "/vertices/" + vertex.get("id").asText() + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : FlinkRest.get(rest, path)) {
                if (m.get("id").asText().endsWith(suffix)) {
                    ids.add(m.get("id").asText());
                }
            }
            Map<String, Long> values = new TreeMap<>();
            if (!ids.isEmpty()) {
                for (JsonNode m : FlinkRest.get(rest, path + "?agg=sum&get=" + String.join(",", ids))) {
                    values.put(m.get("id").asText(), (long) m.get("sum").asDouble());
                }
            }
            return values;
        }
        throw new AssertionError("No vertex " + vertexName + " in job " + jobId);
    }
}
