package io.customerpulse.local;

import io.customerpulse.cli.PulseJob;
import io.customerpulse.reach.ReachJob;
import io.customerpulse.retention.RetentionJob;

import java.util.function.Supplier;

/** The jobs ./pulse submits to a cluster: their main classes (named in the README) and job names. */
enum ClusterJob {
    retention(RetentionJob.class.getName(), RetentionJob.JOB_NAME, RetentionJob::new),
    reach(ReachJob.class.getName(), ReachJob.JOB_NAME, ReachJob::new);

    final String mainClass;
    final String jobName;
    private final Supplier<PulseJob> options;

    ClusterJob(String mainClass, String jobName, Supplier<PulseJob> options) {
        this.mainClass = mainClass;
        this.jobName = jobName;
        this.options = options;
    }

    /** A fresh instance of the job's command line (to check arguments, print its help). */
    PulseJob newCommand() {
        return options.get();
    }
}
