package io.customerpulse.local;

/**
 * When a figure's warm-up is over: once two runs in a row have not beaten the best run before
 * them by {@value #RISE_PERCENT}% or more, the rate has stopped rising; at most
 * {@value #MAX_RUNS} runs.
 *
 * <p>Why not "two runs agree": a run lasts seconds, and the JIT compilers, which share the 2 cores
 * with the job, compile the job's code over several runs, so the rate climbs in steps with
 * plateaus between them. Two neighbouring runs of a plateau agreed (a backfill of both jobs'
 * tables at 68,446 and 71,556 events/s) and the measured runs after them were a third faster; a
 * single run that does not rise can be the machine's noise, so it takes two.
 */
final class WarmUp {
    static final int MAX_RUNS = 7;
    static final int RISE_PERCENT = 5;
    private static final int FLAT_RUNS = 2;

    private double best = Double.NEGATIVE_INFINITY;
    private int runs;
    private int flatRuns;

    /** Counts a warm-up run's figure (higher is faster); true when the warm-up is over. */
    boolean overAfter(double figure) {
        runs++;
        if (runs > 1 && figure < best * (1 + RISE_PERCENT / 100.0)) {
            flatRuns++;
        } else {
            flatRuns = 0;
        }
        best = Math.max(best, figure);
        return flatRuns >= FLAT_RUNS || runs >= MAX_RUNS;
    }

    int runs() {
        return runs;
    }
}
