package io.customerpulse.reach;

import io.customerpulse.flink.JobControl;

import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;

import java.util.List;

/**
 * Every test of {@link ReferralFunctionTest} under Flink's own keyed broadcast operator, where each
 * user's earliest event on the heap gets a timer: how the function runs in BATCH mode (a backfill).
 */
class ReferralFunctionUnderFlinksOperatorTest extends ReferralFunctionTest {
    @Override
    CoBroadcastWithKeyedOperator<String, ReferralEvent, JobControl, SharerUpdate> operatorOf(ReferralFunction function) {
        return new CoBroadcastWithKeyedOperator<>(function, List.of(JobControl.DESCRIPTOR));
    }

    @Override
    boolean heapEventsHaveTimers() {
        return true;
    }
}
