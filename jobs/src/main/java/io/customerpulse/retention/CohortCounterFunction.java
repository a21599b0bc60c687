package io.customerpulse.retention;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Map;

/**
 * Live N-day retention curves, keyed by cohort (first-activity day and acquisition channel).
 * Counts distinct users per day_n: the user operator emits one activity per user and distinct
 * active day, so a count of activities is a count of users. day_n = 0 is the cohort size.
 */
public class CohortCounterFunction extends KeyedProcessFunction<String, CohortActivity, CohortRow> {
    private static final long serialVersionUID = 1L;

    private transient MapState<Integer, Long> activeUsersByDay;
    private transient ValueState<Long> newestActivity;

    @Override
    public void open(OpenContext openContext) {
        activeUsersByDay = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("active-users-by-day", Types.INT, Types.LONG));
        newestActivity = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-activity", Types.LONG));
    }

    @Override
    public void processElement(CohortActivity activity, Context ctx, Collector<CohortRow> out) throws Exception {
        Long newest = newestActivity.value();
        long asOf = newest == null ? activity.at : Math.max(newest, activity.at);
        newestActivity.update(asOf);

        Long previous = activeUsersByDay.get(activity.dayN);
        long count = previous == null ? 1 : previous + 1;
        activeUsersByDay.put(activity.dayN, count);

        if (activity.dayN == 0) {
            // The cohort grew: every row of it carries the size. It only grows on the cohort day
            // itself, while few other rows exist, so re-emitting them all stays cheap.
            for (Map.Entry<Integer, Long> day : activeUsersByDay.entries()) {
                out.collect(new CohortRow(activity.cohortDay, activity.channel, day.getKey(), day.getValue(), count, asOf));
            }
        } else {
            Long size = activeUsersByDay.get(0);
            out.collect(new CohortRow(activity.cohortDay, activity.channel, activity.dayN, count,
                    size == null ? 0 : size, asOf));
        }
    }
}
