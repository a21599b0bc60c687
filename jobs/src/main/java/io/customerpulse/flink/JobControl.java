package io.customerpulse.flink;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * A control message broadcast to every keyed operator that keeps time: where the event-time
 * clock ends (a backfill: its --as-of or its newest event; live jobs: never), and the BG/NBD
 * parameters to use from now on (the newest fitted model).
 *
 * <p>In BATCH mode Flink reads the broadcast side before the keyed side, so an operator knows
 * where the clock ends before its first timer fires; it then ignores timers beyond that end,
 * exactly like a live job whose watermark stands there.
 */
public class JobControl {
    public static final String KEY = "control";
    public static final MapStateDescriptor<String, JobControl> DESCRIPTOR =
            new MapStateDescriptor<>("job-control", Types.STRING, TypeInformation.of(JobControl.class));

    /** Event time after which nothing is applied; MAX_VALUE: no end. */
    public long clockEnd = Long.MAX_VALUE;
    /** Whether every user gets a final row evaluated at the clock end (a backfill with --as-of). */
    public boolean evaluateAtClockEnd;
    /** BG/NBD parameters (alpha in days); all zero when this message carries none. */
    public double modelR;
    public double modelAlpha;
    public double modelA;
    public double modelB;

    public JobControl() {}

    public static JobControl clockEnd(long clockEnd, boolean evaluateAtClockEnd) {
        JobControl c = new JobControl();
        c.clockEnd = clockEnd;
        c.evaluateAtClockEnd = evaluateAtClockEnd;
        return c;
    }

    public boolean hasModel() {
        return modelR > 0 && modelAlpha > 0 && modelA > 0 && modelB > 0;
    }

    /** This control with whatever {@code newer} says replacing what it says. */
    public JobControl mergedWith(JobControl newer) {
        JobControl m = new JobControl();
        boolean newerHasClock = newer.clockEnd != Long.MAX_VALUE;
        m.clockEnd = newerHasClock ? newer.clockEnd : clockEnd;
        m.evaluateAtClockEnd = newerHasClock ? newer.evaluateAtClockEnd : evaluateAtClockEnd;
        JobControl model = newer.hasModel() ? newer : this;
        m.modelR = model.modelR;
        m.modelAlpha = model.modelAlpha;
        m.modelA = model.modelA;
        m.modelB = model.modelB;
        return m;
    }

    @Override
    public String toString() {
        return "JobControl{clockEnd=" + (clockEnd == Long.MAX_VALUE ? "none" : java.time.Instant.ofEpochMilli(clockEnd))
                + (evaluateAtClockEnd ? " (final rows)" : "")
                + (hasModel() ? " model r=" + modelR + " alpha=" + modelAlpha + " a=" + modelA + " b=" + modelB : "") + "}";
    }
}
