package io.customerpulse.history;

import io.customerpulse.events.EventMapper;
import io.customerpulse.events.PulseEvent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

/** Writes events as JSON Lines (gzip when the file name ends in .gz), the format backfills read. */
public final class HistoryWriter implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private long written;

    public HistoryWriter(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            raw = new GZIPOutputStream(raw, 1 << 16);
        }
        this.out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16);
    }

    public void write(PulseEvent e) throws IOException {
        out.write(line(e));
        out.write('\n');
        written++;
    }

    /** Writes a line as it is (for tests that need bad lines). */
    public void writeRaw(String line) throws IOException {
        out.write(line);
        out.write('\n');
    }

    public long written() {
        return written;
    }

    /** One event as a JSON object with the Avro field names. */
    public static String line(PulseEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", e.type.word());
        n.put("event_id", e.eventId);
        n.put("user_id", e.userId);
        n.put("event_time", Instant.ofEpochMilli(e.eventTime).toString());
        n.put("channel", e.channel);
        switch (e.type) {
            case CLICK -> {
                n.put("page", e.page);
                putIfSet(n, "item_id", e.itemId);
                putIfSet(n, "share_id", e.shareId);
            }
            case PURCHASE -> {
                n.put("order_id", e.orderId);
                n.put("amount", BigDecimal.valueOf(e.amountMinor, EventMapper.MONEY_SCALE).toPlainString());
                n.put("currency", e.currency);
                putIfSet(n, "share_id", e.shareId);
                putIfSet(n, "store_id", e.storeId);
            }
            case SHARE -> {
                n.put("share_id", e.shareId);
                putIfSet(n, "item_id", e.itemId);
                putIfSet(n, "target", e.target);
            }
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static void putIfSet(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
