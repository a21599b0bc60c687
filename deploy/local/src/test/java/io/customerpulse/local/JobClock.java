package io.customerpulse.local;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerpulse.ingest.IngestRouter;

import org.apache.flink.api.common.JobID;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a running job stands: the records it has read, and its event-time clock from Flink's REST API. */
final class JobClock {
    private JobClock() {}

    /** Waits until {@code job} has read {@code published} records (its own accumulator). */
    static void awaitAllRead(LocalFlink flink, JobID job, long published) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (flink.accumulators(job).get(IngestRouter.RECORDS_READ) instanceof Number n && n.longValue() >= published) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Job " + job + " did not read all " + published + " records");
    }

    /**
     * Waits until every operator of {@code job} has received a watermark at or after {@code time}:
     * its clock has reached that instant, and every timer up to it has fired. Rows those timers
     * emitted may still wait for the sinks' next flush ({@link Tables#awaitStable} waits for that).
     * Watermarks come from Flink's metrics, which its REST API refreshes every few seconds.
     */
    static void awaitReached(LocalFlink flink, JobID job, long time) throws Exception {
        URI rest = flink.restAddress();
        long deadline = System.currentTimeMillis() + 180_000;
        Map<String, Long> clocks = Map.of();
        while (System.currentTimeMillis() < deadline) {
            clocks = operatorClocks(rest, job.toHexString());
            if (!clocks.isEmpty() && clocks.values().stream().allMatch(clock -> clock >= time)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Job " + job + ": not every operator's clock reached " + time + " in 3 minutes: " + clocks);
    }

    /**
     * The lowest input watermark of each operator chain that has had one: not the sources, nor
     * those fed only by an idle stream (the jobs' control ticks), which stand at the beginning of
     * time. The timelines, with their broadcast control a second input, report none either (Flink
     * reports a two-input operator's per input); the chains after them do, and an operator passes
     * a watermark on only once its timers up to it have fired.
     */
    private static Map<String, Long> operatorClocks(URI rest, String jobId) throws Exception {
        Map<String, Long> clocks = new LinkedHashMap<>();
        for (JsonNode vertex : FlinkRest.job(rest, jobId).get("vertices")) {
            long slowest = Long.MAX_VALUE;
            JsonNode watermarks = FlinkRest.get(rest, "/jobs/" + jobId + "/vertices/" + vertex.get("id").asText() + "/watermarks");
            for (JsonNode subtask : watermarks) {
                slowest = Math.min(slowest, Long.parseLong(subtask.get("value").asText()));
            }
            if (!watermarks.isEmpty() && slowest != Long.MIN_VALUE) {
                clocks.put(vertex.get("name").asText(), slowest);
            }
        }
        return clocks;
    }
}
