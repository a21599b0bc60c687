package io.customerpulse.flink;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Counts the rows handed to a table's sink: the metric {@code rowsWritten} (group {@code table})
 * and the accumulator {@code rows.<table>} that a backfill's summary reports.
 */
public class RowCounter<T> extends RichMapFunction<T, T> {
    private static final long serialVersionUID = 1L;

    private final String table;
    private transient Counter metric;
    private transient LongCounter accumulator;

    public RowCounter(String table) {
        this.table = table;
    }

    public static String accumulatorName(String table) {
        return "rows." + table;
    }

    @Override
    public void open(OpenContext openContext) {
        metric = getRuntimeContext().getMetricGroup().addGroup("table", table).counter("rowsWritten");
        accumulator = getRuntimeContext().getLongCounter(accumulatorName(table));
    }

    @Override
    public T map(T row) {
        metric.inc();
        accumulator.add(1);
        return row;
    }
}
