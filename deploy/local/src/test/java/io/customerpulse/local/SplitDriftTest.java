package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.EventType;
import io.customerpulse.generator.EventPublisher;
import io.customerpulse.retention.RetentionJob;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.testing.Events;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * up. Two retention jobs read the same backlog of 200,000 events over 4 days, and a copy of each
 * click of the users on clicks partition 0 (two partitions per topic, read by two source subtasks
 * of three partitions each; each subtask gets one clicks partition, so the subtask with the
 * sparser clicks partition 1 runs ahead of the other in event time too), one job with the default
 * and one with a drift of 2 hours:
 * <ul>
 *   <li>without it, more events wait than the heaps take (10,000 on each of the two timeline
 *       instances here): the rest arrive to find them full ({@code eventsBeyondHeap}) and wait in
 *       the users' values;
 *   <li>with it, Flink pauses the purchases and shares partitions of both subtasks (and, now and
 *       then, the clicks': between two announcements of the aligned clock the slowest partition may
 *       itself move the drift ahead, which is how alignment caps a replay), and no event finds a
 *       heap full. This holds only if Flink keeps the two source subtasks aligned with each other
 *       too: a timeline instance's clock is the slower subtask's, so the events of the one that
 *       ran ahead would wait on both heaps;
 *   <li>both write the same tables: alignment changes when events are read, not what they give.
 * </ul>
 * Fetches are 64 KB a partition: several of the producer's batches, so that each fetch is a
 * byte-sized slice, as a megabyte is of gigabytes. (Fetches smaller than a batch return one batch
 * each, which the producer closed after the same few milliseconds on every topic: equal event time,
 * no skew to correct.) Flink aligns a source subtask only once each of its partitions has a clock,
 * so the sparse topics' first fetches are read unaligned; 64 KB keeps them small against the heap.
 */
class SplitDriftTest {
    private static final int PARTITIONS = 2;
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(PARTITIONS);

    private static final long START = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    private static final Duration LATENESS = Duration.ofSeconds(1);
    private static final int MAX_WAITING_ON_HEAP = 10_000;

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
        AtomicLong published = new AtomicLong();
        try (EventPublisher publisher = new EventPublisher(STACK.kafka().bootstrapServers(), LocalStackExtension.TOPICS,
                new Properties())) {
            backlog.forEach(e -> {
                newest.set(Math.max(newest.get(), e.eventTime));
                publisher.publish(e);
                published.incrementAndGet();
                if (e.type == EventType.CLICK && clicksPartitionOf(e.userId) == 0) {
                    // Clicks partition 0 twice as dense as partition 1: each source subtask holds one
                    // of them, so the one with partition 1 runs ahead of the other in event time.
                    publisher.publish(Events.click(e.eventId + "-again", e.userId, e.eventTime));
                    published.incrementAndGet();
                }
            });
            // A click after the newest event by more than the lateness: the clock then passes them all.
            publisher.publish(Events.click("clock", "~clock", newest.get() + LATENESS.toMillis() + 1));
            published.incrementAndGet();
        }
        try (LocalFlink flink = LocalFlink.start(4)) {
            JobID plain = flink.submit(job(plainUrl, "drift-plain", fetches, List.of()));
            JobID aligned = flink.submit(job(alignedUrl, "drift-aligned", fetches, List.of("--max-split-drift", "2h")));
            for (JobID job : List.of(plain, aligned)) {
                JobClock.awaitAllRead(flink, job, published.get());
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
            System.out.printf("events beyond the heap: %,d without alignment, %,d with it; paused ms by split: %s%n",
                    plainBeyondHeap, alignedBeyondHeap, alignedPaused);

            assertThat(plainPaused).as("no split paused without alignment").allSatisfy((split, ms) -> assertThat(ms).isZero());
            // Both skews: the sparse topics ahead of the clicks, and one subtask ahead of the other
            // (35,000-38,000 with the first alone, 95,000-104,000 with both, when measured).
            assertThat(plainBeyondHeap).as("events that waited beyond the heap without alignment").isGreaterThan(50_000);
            assertThat(alignedPaused).as("paused per split with alignment").containsOnlyKeys(
                    "clicks-0", "clicks-1", "purchases-0", "purchases-1", "shares-0", "shares-1");
            for (String sparse : List.of("purchases-0", "purchases-1", "shares-0", "shares-1")) {
                assertThat(alignedPaused.get(sparse)).as(sparse + " paused").isPositive();
            }
            // Not asserted, printed above: clicks partition 1, the slowest of its own subtask's
            // partitions, can be paused only for the other subtask's clock or when it moves past the
            // aligned clock between two announcements; the denser partition 0 (in the other subtask:
            // Kafka's source gives partitions 0 and 1 of a topic to different subtasks) only the
            // latter. Measured 5-9 s against 1-4.5 s: too close, on a loaded machine, for a test.

            // Zero when measured; a stall of the job's watermark (a checkpoint, a collection) longer
            // than the heap's worth of traffic could still let a few through.
            assertThat(alignedBeyondHeap).as("events that waited beyond the heap with alignment").isLessThan(plainBeyondHeap / 10);

            Tables.assertSameTables(Tables.RETENTION, plainDb, alignedDb);
        }
    }

    /** The partition of the clicks topic Kafka's default partitioner gives a user's events (keyed by user). */
    private static int clicksPartitionOf(String userId) {
        return Utils.toPositive(Utils.murmur2(userId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static RetentionJob job(String jdbcUrl, String groupId, Path kafkaProperties, List<String> extra) throws Exception {
        List<String> options = new ArrayList<>(List.of("--kafka-properties", kafkaProperties.toString(),
                "--allowed-lateness", LATENESS.toSeconds() + "s", "--idle-timeout", "3s", "--max-ahead", "3650d",
                "--max-waiting-on-heap", Integer.toString(MAX_WAITING_ON_HEAP),
                "--checkpoint-interval", "5s", "--flush-interval", "200ms", "--parallelism", "2"));
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
