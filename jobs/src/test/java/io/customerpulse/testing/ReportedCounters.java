package io.customerpulse.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.util.Map;

/** Counters of a job as a metric reporter sees them (Flink's {@link InMemoryReporter}). */
public final class ReportedCounters {
    private ReportedCounters() {}

    /**
     * The counters named {@code name} of {@code job}, summed over operators and subtasks, in
     * groups that have every one of {@code variables} (for example {@code "<reason>"} for a group
     * added as {@code addGroup("reason", value)}).
     */
    public static long sum(InMemoryReporter reporter, JobID job, String name, Map<String, String> variables) {
        return reporter.getMetricsByGroup().entrySet().stream()
                .filter(group -> {
                    Map<String, String> all = group.getKey().getAllVariables();
                    return job.toString().equals(all.get("<job_id>")) && all.entrySet().containsAll(variables.entrySet());
                })
                .map(group -> group.getValue().get(name))
                .filter(metric -> metric instanceof Counter)
                .mapToLong(metric -> ((Counter) metric).getCount())
                .sum();
    }
}
