package io.customerpulse.local;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A failure's chain of causes, searched. Unlike Flink's {@code ExceptionUtils.findThrowable} it
 * ends where the chain comes back to itself ({@code initCause} allows a cycle).
 */
final class Causes {
    private Causes() {}

    /** Whether {@code failure}, or anything it was caused by, satisfies {@code test}. */
    static boolean any(Throwable failure, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }
}
