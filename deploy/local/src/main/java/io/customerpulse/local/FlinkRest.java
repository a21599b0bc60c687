package io.customerpulse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The few calls of Flink's REST API the launcher makes (cluster status, finding a job by name, its metrics). */
final class FlinkRest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FlinkRest() {}

    record JobSummary(String id, String name, String state) {
        boolean isActive() {
            return !List.of("FINISHED", "CANCELED", "FAILED").contains(state);
        }
    }

    static boolean answers(URI rest) {
        try {
            get(rest, "/overview");
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The resource ids of the TaskManagers registered with the JobManager. */
    static List<String> registeredTaskManagerIds(URI rest) {
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode tm : get(rest, "/taskmanagers").path("taskmanagers")) {
                ids.add(tm.path("id").asText());
            }
            return ids;
        } catch (IOException notYet) {
            return List.of();
        }
    }

    /** Every job the JobManager knows, newest first. */
    static List<JobSummary> jobs(URI rest) {
        try {
            List<JobSummary> jobs = new ArrayList<>();
            for (JsonNode job : get(rest, "/jobs/overview").path("jobs")) {
                jobs.add(new JobSummary(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
            }
            return jobs;
        } catch (IOException e) {
            throw new IllegalStateException("The Flink REST API at " + rest + " does not answer: " + e.getMessage(), e);
        }
    }

    /** The running (not finished, failed or cancelled) job with this name, if any. */
    static Optional<JobSummary> activeJob(URI rest, String name) {
        return jobs(rest).stream().filter(j -> j.name().equals(name) && j.isActive()).findFirst();
    }

    /** A job-level metric (numRestarts, lastCheckpointSize, ...), if the job reports it. */
    static Optional<String> jobMetric(URI rest, String jobId, String metric) {
        try {
            for (JsonNode m : get(rest, "/jobs/" + jobId + "/metrics?get=" + metric)) {
                if (m.path("id").asText().equals(metric)) {
                    return Optional.of(m.path("value").asText());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The job's details: state, vertices, ... as Flink reports them. */
    static JsonNode job(URI rest, String jobId) throws IOException {
        return get(rest, "/jobs/" + jobId);
    }

    static JsonNode checkpoints(URI rest, String jobId) throws IOException {
        return get(rest, "/jobs/" + jobId + "/checkpoints");
    }

    static JsonNode get(URI rest, String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + request.uri() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
