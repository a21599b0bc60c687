package io.customerpulse.reach;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** Keyed by (day, channel) of the share: the K-factor row. */
public class WomDailyFunction extends KeyedProcessFunction<String, DailyDelta, WomDailyRow> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<DailyTotals> totals;

    @Override
    public void open(OpenContext openContext) {
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("daily-totals", TypeInformation.of(DailyTotals.class)));
    }

    @Override
    public void processElement(DailyDelta delta, Context ctx, Collector<WomDailyRow> out) throws Exception {
        DailyTotals t = totals.value();
        if (t == null) {
            t = new DailyTotals();
        }
        t.apply(delta);
        totals.update(t);
        out.collect(t.row(delta.day, delta.channel));
    }
}
