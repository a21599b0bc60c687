package io.customerpulse.reach;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the events: shares and events carrying a share go to the share resolver
 * ({@link #VIA_SHARE}); the rest go straight to their users' timelines.
 */
public class ShareRouter extends ProcessFunction<PulseEvent, ReferralEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<PulseEvent> VIA_SHARE = new OutputTag<>("via-share", TypeInformation.of(PulseEvent.class));

    @Override
    public void processElement(PulseEvent e, Context ctx, Collector<ReferralEvent> out) {
        if (e.type == EventType.SHARE || e.shareId != null) {
            ctx.output(VIA_SHARE, e);
        } else {
            out.collect(ReferralEvent.of(e, ShareStatus.NONE));
        }
    }
}
