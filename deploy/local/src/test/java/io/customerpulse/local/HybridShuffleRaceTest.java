package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.runtime.JobException;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.io.network.partition.ResultPartitionID;
import org.apache.flink.runtime.io.network.partition.hybrid.tiered.common.TieredStoragePartitionId;
import org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageResourceRegistry;
import org.apache.flink.util.SerializedThrowable;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The race is provoked in Flink's own registry, as two tasks deployed at once provoke it, and the
 * exception it gives is what {@link HybridShuffleRace} recognises; nothing else is.
 */
class HybridShuffleRaceTest {

    /**
     * The exception Flink 2.2.1's registry throws when two threads register resources at once:
     * two threads register new partitions into one registry until one of them fails. (Here it
     * happens in the first round.)
     */
    static ConcurrentModificationException provokeTheRace() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int round = 0; round < 1_000 && failure.get() == null; round++) {
            TieredStorageResourceRegistry registry = new TieredStorageResourceRegistry();
            CyclicBarrier together = new CyclicBarrier(2);
            Runnable deploy = () -> {
                try {
                    together.await();
                    for (int i = 0; i < 2_000 && failure.get() == null; i++) {
                        registry.registerResource(new TieredStoragePartitionId(new ResultPartitionID()), () -> { });
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            };
            Thread first = new Thread(deploy);
            Thread second = new Thread(deploy);
            first.start();
            second.start();
            first.join();
            second.join();
        }
        assertThat(failure.get())
                .as("Flink's TieredStorageResourceRegistry no longer fails when used from two threads: FLINK-38783 is fixed "
                        + "in this Flink, and HybridShuffleRace with its retries can go")
                .isInstanceOf(ConcurrentModificationException.class);
        return (ConcurrentModificationException) failure.get();
    }

    /** {@code taskFailure} as a job's result reports it to the client: the task's error serialized, under two wrappers. */
    static ExecutionException asTheClientSeesIt(Throwable taskFailure) {
        return new ExecutionException(new JobExecutionException(new JobID(), "Job execution failed.",
                new JobException("Recovery is suppressed by NoRestartBackoffTimeStrategy", new SerializedThrowable(taskFailure))));
    }

    @Test
    void recognisesTheRaceFromFlinksRegistry() throws Exception {
        ConcurrentModificationException race = provokeTheRace();
        assertThat(HybridShuffleRace.causedBy(race)).isTrue();
        assertThat(HybridShuffleRace.causedBy(new IOException("task setup failed", race))).isTrue();
        assertThat(HybridShuffleRace.causedBy(asTheClientSeesIt(race))).as("serialized: only the class name and stack are left").isTrue();
    }

    @Test
    void recognisesTheRaceAsAFailedJobReportsItToItsClient() throws Exception {
        // A task that fails with the registry's exception, in a real local Flink: what the client
        // gets is the failure as it crossed from the task to the job's result, not a hand-made wrapper.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromData(1).map(new FailsWithTheRace()).sinkTo(new DiscardingSink<>());
        Throwable reported = catchThrowable(() -> env.execute("fails with the race"));
        assertThat(reported).isNotNull();
        assertThat(HybridShuffleRace.causedBy(reported)).as("%s", reported).isTrue();
    }

    /** Throws the exception Flink's registry gives two threads at once. */
    private static final class FailsWithTheRace implements MapFunction<Integer, Integer> {
        @Override
        public Integer map(Integer value) throws Exception {
            throw provokeTheRace();
        }
    }

    @Test
    void nothingElseIsTheRace() {
        List<Integer> list = new ArrayList<>(List.of(1, 2));
        ConcurrentModificationException elsewhere = null;
        try {
            for (Integer i : list) {
                list.add(i);
            }
        } catch (ConcurrentModificationException e) {
            elsewhere = e;
        }
        assertThat(elsewhere).isNotNull();
        assertThat(HybridShuffleRace.causedBy(asTheClientSeesIt(elsewhere))).as("a ConcurrentModificationException elsewhere").isFalse();
        assertThat(HybridShuffleRace.causedBy(asTheClientSeesIt(new IOException("Failed to choose a storage tier to start a new segment"))))
                .as("the shuffle's disk full").isFalse();
        assertThat(HybridShuffleRace.causedBy(null)).isFalse();

        Exception first = new Exception("first");
        Exception second = new Exception("second", first);
        first.initCause(second);
        assertThat(HybridShuffleRace.causedBy(first)).as("a cycle of causes ends").isFalse();
    }

    @Test
    void aRunTheRaceFailedRunsAgainAfterItsLeftoversAreUndone() throws Exception {
        ExecutionException race = asTheClientSeesIt(provokeTheRace());
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger undone = new AtomicInteger();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        String result = HybridShuffleRace.retry(() -> {
            if (runs.incrementAndGet() == 1) {
                throw race;
            }
            return "finished";
        }, undone::incrementAndGet, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(result).isEqualTo("finished");
        assertThat(runs).hasValue(2);
        assertThat(undone).hasValue(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("FLINK-38783").contains("Running it again (run 2 of at most 3)");
    }

    @Test
    void anyOtherFailureEndsTheFirstRun() {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger undone = new AtomicInteger();
        ExecutionException otherFailure = asTheClientSeesIt(new IllegalStateException("the database refused a row"));

        assertThatThrownBy(() -> HybridShuffleRace.retry(() -> {
            runs.incrementAndGet();
            throw otherFailure;
        }, undone::incrementAndGet, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isSameAs(otherFailure);
        assertThat(runs).hasValue(1);
        assertThat(undone).hasValue(0);
    }

    @Test
    void theRaceInEveryRunEndsAfterTheLast() throws Exception {
        ExecutionException race = asTheClientSeesIt(provokeTheRace());
        AtomicInteger runs = new AtomicInteger();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        assertThatThrownBy(() -> HybridShuffleRace.retry(() -> {
            runs.incrementAndGet();
            throw race;
        }, () -> { }, new PrintStream(printed, true, StandardCharsets.UTF_8))).isSameAs(race);
        assertThat(runs).hasValue(3);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("run 3 of at most 3").doesNotContain("run 4");
    }
}
