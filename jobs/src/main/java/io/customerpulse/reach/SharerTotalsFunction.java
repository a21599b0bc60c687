package io.customerpulse.reach;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** Keyed by sharer: folds updates into the wom_reach row (constant state per sharer). */
public class SharerTotalsFunction extends KeyedProcessFunction<String, SharerUpdate, WomReachRow> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<SharerTotals> totals;

    @Override
    public void open(OpenContext openContext) {
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("sharer-totals", TypeInformation.of(SharerTotals.class)));
    }

    @Override
    public void processElement(SharerUpdate update, Context ctx, Collector<WomReachRow> out) throws Exception {
        SharerTotals t = totals.value();
        if (t == null) {
            t = new SharerTotals();
        }
        t.apply(update);
        totals.update(t);
        if (t.isSharer()) {
            out.collect(t.row(ctx.getCurrentKey()));
        }
    }
}
