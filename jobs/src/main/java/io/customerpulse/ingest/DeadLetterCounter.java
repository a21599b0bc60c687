package io.customerpulse.ingest;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The one place every dead letter passes, whichever step refused it: counts them by reason
 * (metric {@code deadLettered}, group {@code reason}) and logs a sample, then forwards.
 */
public class DeadLetterCounter extends RichMapFunction<DeadLetter, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterCounter.class);
    /** Log the first refusals of each reason in full, then every thousandth: enough to diagnose, never a flood. */
    private static final long LOG_FIRST = 10;
    private static final long LOG_EVERY = 1000;

    private transient Map<String, Counter> byReason;
    private transient Map<String, org.apache.flink.api.common.accumulators.LongCounter> totals;
    private transient MetricGroup metrics;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup();
        byReason = new HashMap<>();
        totals = new HashMap<>();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counter(reason.code());
        }
    }

    private Counter counter(String reason) {
        return byReason.computeIfAbsent(reason, r -> metrics.addGroup("reason", r).counter("deadLettered"));
    }

    /** The accumulator counting dead letters of a reason (for a backfill's summary). */
    public static String accumulatorName(String reason) {
        return "deadLetters." + reason;
    }

    @Override
    public DeadLetter map(DeadLetter d) {
        Counter c = counter(d.reason);
        c.inc();
        totals.computeIfAbsent(d.reason, r -> getRuntimeContext().getLongCounter(accumulatorName(r))).add(1);
        long n = c.getCount();
        if (n <= LOG_FIRST || n % LOG_EVERY == 0) {
            LOG.warn("Dead letter #{} for reason {}: {} ({})", n, d.reason, d.detail, d);
        }
        return d;
    }
}
