package io.customerpulse.backfill;

import io.customerpulse.events.DeadLetter;

import org.apache.flink.api.common.serialization.Encoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A dead letter of a backfill as one JSON line: reason, detail, where it came from (file and
 * line, or topic, partition and offset) and the original record (text if it was text, else
 * base64).
 */
public class DeadLetterJsonEncoder implements Encoder<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void encode(DeadLetter d, OutputStream out) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("reason", d.reason);
        line.put("detail", d.detail);
        line.put("source", d.sourceTopic);
        line.put("partition", d.sourcePartition);
        line.put("position", d.sourceOffset);
        if (d.payload != null) {
            String text = new String(d.payload, StandardCharsets.UTF_8);
            if (java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), d.payload) && text.chars().noneMatch(c -> c < 0x09)) {
                line.put("payload", text);
            } else {
                line.put("payload_base64", Base64.getEncoder().encodeToString(d.payload));
            }
        }
        out.write(JSON.writeValueAsBytes(line));
        out.write('\n');
    }
}
