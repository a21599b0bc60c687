package io.customerpulse.retention;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.flink.JobControl;

import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;

import java.util.List;

/**
 * Every test of {@link UserRetentionFunctionTest} under Flink's own keyed broadcast operator, where
 * each user's earliest event on the heap gets a timer: how the function runs in BATCH mode (a
 * backfill), where {@link UserRetentionOperator} leaves the release to the timers.
 */
class UserRetentionFunctionUnderFlinksOperatorTest extends UserRetentionFunctionTest {
    @Override
    CoBroadcastWithKeyedOperator<String, PulseEvent, JobControl, UserRetentionRow> operatorOf(UserRetentionFunction function) {
        return new CoBroadcastWithKeyedOperator<>(function, List.of(JobControl.DESCRIPTOR));
    }

    @Override
    boolean heapEventsHaveTimers() {
        return true;
    }
}
