package io.customerpulse.flink;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Turns ticks into no control at all: the control stream of a job that has nothing to say live. */
public class NoControl implements FlatMapFunction<Long, JobControl> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Long tick, Collector<JobControl> out) {
        // nothing to say
    }
}
