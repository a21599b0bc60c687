package io.customerpulse.history;

import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * One JSON line of history into an event: {@code "type"} is click, purchase or share, the other
 * keys are the Avro field names; {@code event_time} is an ISO-8601 instant or epoch milliseconds;
 * {@code amount} a JSON number or a decimal string with at most two decimals. Unknown keys are
 * ignored (a newer schema's optional fields). The result is normalised exactly like a decoded
 * Avro record, then validated by the same rules as Kafka records.
 */
public final class JsonEventParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a line is not an event. */
    public static final class BadLine extends Exception {
        private final DeadLetterReason reason;

        BadLine(DeadLetterReason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public DeadLetterReason reason() {
            return reason;
        }
    }

    public PulseEvent parse(String line) throws BadLine {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "not a JSON object");
        }
        PulseEvent e = new PulseEvent();
        String type = text(node, "type");
        try {
            e.type = type == null ? null : EventType.valueOf(type.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            e.type = null;
        }
        if (e.type == null) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "\"type\" must be click, purchase or share, got " + type);
        }
        e.eventId = text(node, "event_id");
        e.userId = text(node, "user_id");
        e.eventTime = eventTime(node.get("event_time"));
        e.channel = EventMapper.normaliseChannel(text(node, "channel"));
        switch (e.type) {
            case CLICK -> {
                e.page = orEmpty(text(node, "page"));
                e.itemId = text(node, "item_id");
                e.shareId = EventMapper.blankToNull(text(node, "share_id"));
            }
            case PURCHASE -> {
                e.orderId = orEmpty(text(node, "order_id"));
                e.amountMinor = amount(node.get("amount"));
                String currency = text(node, "currency");
                if (currency == null || currency.isBlank()) {
                    throw new BadLine(DeadLetterReason.MISSING_FIELD, "currency is missing or blank");
                }
                e.currency = currency.strip().toUpperCase(Locale.ROOT);
                e.shareId = EventMapper.blankToNull(text(node, "share_id"));
                e.storeId = text(node, "store_id");
            }
            case SHARE -> {
                e.shareId = text(node, "share_id");
                e.itemId = text(node, "item_id");
                e.target = text(node, "target");
            }
        }
        return e;
    }

    private static long eventTime(JsonNode value) throws BadLine {
        if (value == null || value.isNull()) {
            throw new BadLine(DeadLetterReason.MISSING_FIELD, "event_time is missing");
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            String text = value.asText().strip();
            try {
                return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new BadLine(DeadLetterReason.UNDECODABLE, "event_time is neither ISO-8601 nor epoch millis: " + text);
            }
        }
        throw new BadLine(DeadLetterReason.UNDECODABLE, "event_time is neither ISO-8601 nor epoch millis: " + value);
    }

    private static long amount(JsonNode value) throws BadLine {
        if (value == null || value.isNull()) {
            throw new BadLine(DeadLetterReason.MISSING_FIELD, "amount is missing");
        }
        BigDecimal amount;
        try {
            amount = value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().strip());
            return EventMapper.toMinorUnits(amount);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "amount is not a decimal with at most 2 places: " + value);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
