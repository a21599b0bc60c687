package io.customerpulse.reach;

/**
 * Every test of {@link ReferralFunctionTest} with no room on the heap: every event waits in the
 * user's state, as beyond {@code --max-waiting-on-heap} events.
 */
class ReferralFunctionHeldInStateTest extends ReferralFunctionTest {
    @Override
    int maxWaitingOnHeap() {
        return 0;
    }
}
