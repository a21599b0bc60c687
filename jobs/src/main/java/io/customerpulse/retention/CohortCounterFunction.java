package io.customerpulse.retention;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Map;

/**
 * Live N-day retention curves, keyed by cohort (first-activity day and acquisition channel).
 * Counts distinct users per day_n: the user operator emits one activity per user and distinct
 * active day, so a sum of activities' {@code users} is a count of users. day_n = 0 is the cohort
 * size.
 *
 * <p>A row's as_of is the newest activity counted in that row: a count and a maximum, so the
 * final rows do not depend on the order users' activities arrive in (live or a backfill).
 */
public class CohortCounterFunction extends KeyedProcessFunction<String, CohortActivity, CohortRow> {
    private static final long serialVersionUID = 1L;

    private transient MapState<Integer, CohortDay> days;

    @Override
    public void open(OpenContext openContext) {
        days = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("cohort-days", Types.INT, TypeInformation.of(CohortDay.class)));
    }

    @Override
    public void processElement(CohortActivity activity, Context ctx, Collector<CohortRow> out) throws Exception {
        CohortDay day = days.get(activity.dayN);
        if (day == null) {
            day = new CohortDay();
        }
        day.users += activity.users;
        day.newestAt = Math.max(day.newestAt, activity.at);
        days.put(activity.dayN, day);

        if (activity.dayN == 0) {
            // The cohort grew: every row of it carries the size. It only grows on the cohort day
            // itself, while few other rows exist, so re-emitting them all stays cheap.
            for (Map.Entry<Integer, CohortDay> d : days.entries()) {
                out.collect(new CohortRow(activity.cohortDay, activity.channel, d.getKey(), d.getValue().users,
                        day.users, d.getValue().newestAt));
            }
        } else {
            CohortDay size = days.get(0);
            // A later day can arrive first: the cohort's activities are combined per day before the
            // shuffle and flushed in no particular order. Until the cohort's size is known its row
            // would read "n of 0"; the size's arrival emits it with every other row of the cohort.
            if (size != null) {
                out.collect(new CohortRow(activity.cohortDay, activity.channel, activity.dayN, day.users,
                        size.users, day.newestAt));
            }
        }
    }
}
