package io.customerpulse.testing;

import io.customerpulse.flink.JobControl;

import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import java.util.List;

/** Test harnesses for the keyed operators that take the {@link JobControl} broadcast. */
public final class Harnesses {
    private Harnesses() {}

    /**
     * An opened harness whose control input never holds back the clock: watermarks sent with
     * {@code processWatermark} alone drive the timers.
     */
    public static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, JobControl, OUT> keyed(
            KeyedBroadcastProcessFunction<String, IN, JobControl, OUT> function, KeySelector<IN, String> key,
            OperatorSubtaskState restoreFrom) throws Exception {
        return keyed(function, key, restoreFrom, 1, 1, 0);
    }

    /**
     * The same as one of {@code parallelism} instances: restore it from
     * {@code AbstractStreamOperatorTestHarness.repartitionOperatorState} to test a rescale.
     */
    public static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, JobControl, OUT> keyed(
            KeyedBroadcastProcessFunction<String, IN, JobControl, OUT> function, KeySelector<IN, String> key,
            OperatorSubtaskState restoreFrom, int maxParallelism, int parallelism, int subtaskIndex) throws Exception {
        return keyed(new CoBroadcastWithKeyedOperator<>(function, List.of(JobControl.DESCRIPTOR)), key, restoreFrom,
                maxParallelism, parallelism, subtaskIndex);
    }

    /** The same with an operator of the job's own (such as {@code UserRetentionOperator}). */
    public static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, JobControl, OUT> keyed(
            CoBroadcastWithKeyedOperator<String, IN, JobControl, OUT> operator, KeySelector<IN, String> key,
            OperatorSubtaskState restoreFrom, int maxParallelism, int parallelism, int subtaskIndex) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, IN, JobControl, OUT> h = new KeyedBroadcastOperatorTestHarness<>(
                operator, key, Types.STRING, maxParallelism, parallelism, subtaskIndex);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    public static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, JobControl, OUT> keyed(
            KeyedBroadcastProcessFunction<String, IN, JobControl, OUT> function, KeySelector<IN, String> key)
            throws Exception {
        return keyed(function, key, null);
    }

    /** Keyed state entries of the harness's operator (heap backend), as the one-input harness counts them. */
    public static int numKeyedStateEntries(KeyedBroadcastOperatorTestHarness<String, ?, JobControl, ?> harness) {
        AbstractStreamOperator<?> operator = (AbstractStreamOperator<?>) harness.getTwoInputOperator();
        return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend()).numKeyValueStateEntries();
    }

    /** The value of a long accumulator (such as the duplicates one) of the harness's operator; 0 if never added to. */
    public static long longAccumulator(AbstractStreamOperatorTestHarness<?> harness, String name) {
        Accumulator<?, ?> accumulator = harness.getEnvironment().getAccumulatorRegistry().getUserMap().get(name);
        return accumulator == null ? 0 : (Long) accumulator.getLocalValue();
    }
}
