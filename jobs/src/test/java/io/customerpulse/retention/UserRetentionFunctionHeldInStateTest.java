package io.customerpulse.retention;

/**
 * Every test of {@link UserRetentionFunctionTest} with arriving events held in the user's state
 * rather than on the heap: what the function does once its heap holds as many as it may.
 */
class UserRetentionFunctionHeldInStateTest extends UserRetentionFunctionTest {
    @Override
    int maxWaitingOnHeap() {
        return 0;
    }
}
