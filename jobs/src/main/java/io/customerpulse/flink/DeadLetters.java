package io.customerpulse.flink;

import io.customerpulse.events.DeadLetter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.PulseEvent;

import java.nio.charset.StandardCharsets;

/** Dead letters for events refused after decoding: the payload is the event re-encoded. */
public final class DeadLetters {
    private DeadLetters() {}

    public static DeadLetter of(PulseEvent event, DeadLetterReason reason, String detail) {
        return DeadLetter.of(reason, detail, event.sourceTopic, event.sourcePartition, event.sourceOffset,
                event.userId.getBytes(StandardCharsets.UTF_8), EventCodec.encode(EventMapper.toAvro(event)));
    }
}
