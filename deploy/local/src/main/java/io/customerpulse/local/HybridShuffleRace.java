package io.customerpulse.local;

import org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageResourceRegistry;
import org.apache.flink.util.SerializedThrowable;

import java.io.PrintStream;
import java.util.ConcurrentModificationException;

/**
 * Flink 2.2.1's race in its hybrid shuffle (FLINK-38783, fixed after 2.2.1): tasks deployed at
 * once into one TaskManager register their shuffle resources in one plain {@code HashMap}
 * ({@link TieredStorageResourceRegistry}), and now and then one of them fails with a
 * {@link ConcurrentModificationException}. A backfill runs hybrid shuffles and has no restart
 * strategy, so that failed the whole run (once in six test suites here).
 *
 * <p>The failure says nothing about the data: running the same job again gives the same tables, as
 * its writes are idempotent upserts. So an in-process backfill runs again when, and only when, its
 * failure is this race; any other failure ends it as before.
 */
final class HybridShuffleRace {
    /**
     * Runs of one backfill at most. The race is rare (once in six test suites here), so a run that
     * meets it three times in a row has something else wrong, and says so by failing.
     */
    static final int ATTEMPTS = 3;

    private static final String REGISTRY = TieredStorageResourceRegistry.class.getName();

    private HybridShuffleRace() {}

    /** One run of a job, to its end. */
    @FunctionalInterface
    interface Run<T> {
        T call() throws Exception;
    }

    /**
     * Whether {@code failure}, or anything it was caused by, is the race: a
     * {@link ConcurrentModificationException} thrown inside the registry. A failure that crossed
     * from a TaskManager may arrive as a {@link SerializedThrowable} that keeps only the original
     * class's name and stack.
     */
    static boolean causedBy(Throwable failure) {
        return Causes.any(failure, t -> isConcurrentModification(t) && thrownInRegistry(t));
    }

    private static boolean isConcurrentModification(Throwable t) {
        return t instanceof ConcurrentModificationException
                || t instanceof SerializedThrowable s && ConcurrentModificationException.class.getName().equals(s.getOriginalErrorClassName());
    }

    private static boolean thrownInRegistry(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (REGISTRY.equals(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code run} to its end, run again (at most {@link #ATTEMPTS} runs in all) while it fails with
     * the race; {@code beforeAgain} undoes what a failed run left that a second run would repeat.
     * Any other failure, or the race in the last run, is thrown as it came.
     */
    static <T> T retry(Run<T> run, Runnable beforeAgain, PrintStream out) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return run.call();
            } catch (Exception failure) {
                if (attempt >= ATTEMPTS || !causedBy(failure)) {
                    throw failure;
                }
                beforeAgain.run();
                out.printf("The job failed in Flink 2.2.1's hybrid-shuffle race (FLINK-38783: a ConcurrentModificationException "
                        + "while its tasks were deployed), not because of its data. Running it again (run %d of at most %d); "
                        + "its writes are idempotent upserts.%n", attempt + 1, ATTEMPTS);
            }
        }
    }
}
