package io.customerpulse.history;

import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigDecimal;
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
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

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

    /**
     * Reads the line's top-level fields in one pass with Jackson's streaming parser (a backfill
     * spends most of its read stage here; building a JSON tree first took half of it).
     */
    public PulseEvent parse(String line) throws BadLine {
        Fields f = new Fields();
        try (JsonParser json = JSON_FACTORY.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new BadLine(DeadLetterReason.UNDECODABLE, "not a JSON object");
            }
            String name;
            while ((name = json.nextFieldName()) != null) {
                JsonToken token = json.nextToken();
                f.read(name, token, json);
                if (token.isStructStart()) {
                    json.skipChildren(); // an object or array: read as empty text, or an unknown field
                }
            }
            if (json.currentToken() != JsonToken.END_OBJECT) {
                throw new BadLine(DeadLetterReason.UNDECODABLE, "not JSON: unexpected " + json.currentToken());
            }
        } catch (JsonProcessingException e) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "not JSON: " + e.getMessage());
        }
        PulseEvent e = new PulseEvent();
        try {
            e.type = f.type == null ? null : EventType.valueOf(f.type.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            e.type = null;
        }
        if (e.type == null) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "\"type\" must be click, purchase or share, got " + f.type);
        }
        e.eventId = f.eventId;
        e.userId = f.userId;
        e.eventTime = eventTime(f);
        e.channel = EventMapper.normaliseChannel(f.channel);
        switch (e.type) {
            case CLICK -> {
                e.page = orEmpty(f.page);
                e.itemId = f.itemId;
                e.shareId = EventMapper.blankToNull(f.shareId);
            }
            case PURCHASE -> {
                e.orderId = orEmpty(f.orderId);
                e.amountMinor = amount(f);
                if (f.currency == null || f.currency.isBlank()) {
                    throw new BadLine(DeadLetterReason.MISSING_FIELD, "currency is missing or blank");
                }
                e.currency = f.currency.strip().toUpperCase(Locale.ROOT);
                e.shareId = EventMapper.blankToNull(f.shareId);
                e.storeId = f.storeId;
            }
            case SHARE -> {
                e.shareId = f.shareId;
                e.itemId = f.itemId;
                e.target = f.target;
            }
        }
        return e;
    }

    /**
     * The fields of one line as JSON gave them. A text field takes any scalar's text (a number
     * as written), JSON null is absent, an object or array is empty text; a repeated key keeps
     * its last value.
     */
    private static final class Fields {
        String type;
        String eventId;
        String userId;
        String channel;
        String page;
        String itemId;
        String shareId;
        String orderId;
        String currency;
        String storeId;
        String target;
        /** event_time: its text, and whether JSON gave it as an integer. */
        String eventTime;
        boolean eventTimeIntegral;
        boolean eventTimeOther;
        /** amount: an exact decimal when JSON gave a number, else its text. */
        BigDecimal amountNumber;
        String amountText;

        /** Takes the value at {@code token} if {@code name} is a field of events. */
        void read(String name, JsonToken token, JsonParser json) throws IOException {
            switch (name) {
                case "event_time" -> {
                    eventTime = token.isScalarValue() && token != JsonToken.VALUE_NULL ? json.getText() : null;
                    eventTimeIntegral = token == JsonToken.VALUE_NUMBER_INT;
                    eventTimeOther = token != JsonToken.VALUE_STRING && !eventTimeIntegral && token != JsonToken.VALUE_NULL;
                }
                case "amount" -> {
                    amountNumber = token.isNumeric() ? json.getDecimalValue() : null;
                    amountText = token.isNumeric() || token == JsonToken.VALUE_NULL ? null : text(token, json);
                }
                default -> {
                    String value = text(token, json);
                    switch (name) {
                        case "type" -> type = value;
                        case "event_id" -> eventId = value;
                        case "user_id" -> userId = value;
                        case "channel" -> channel = value;
                        case "page" -> page = value;
                        case "item_id" -> itemId = value;
                        case "share_id" -> shareId = value;
                        case "order_id" -> orderId = value;
                        case "currency" -> currency = value;
                        case "store_id" -> storeId = value;
                        case "target" -> target = value;
                        default -> { } // a newer schema's optional field
                    }
                }
            }
        }

        private static String text(JsonToken token, JsonParser json) throws IOException {
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            return token.isScalarValue() ? json.getText() : "";
        }
    }

    private static long eventTime(Fields f) throws BadLine {
        if (f.eventTimeOther) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "event_time is neither ISO-8601 nor epoch millis: " + f.eventTime);
        }
        if (f.eventTime == null) {
            throw new BadLine(DeadLetterReason.MISSING_FIELD, "event_time is missing");
        }
        String text = f.eventTime.strip();
        try {
            if (f.eventTimeIntegral || isDigits(text)) {
                return Long.parseLong(text);
            }
            return IsoInstants.toEpochMilli(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "event_time is neither ISO-8601 nor epoch millis: " + text);
        } catch (ArithmeticException e) {
            // ISO-8601 allows years Instant holds and milliseconds since 1970 in a long do not
            throw new BadLine(DeadLetterReason.UNDECODABLE, "event_time is beyond the range of epoch millis: " + text);
        }
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static long amount(Fields f) throws BadLine {
        if (f.amountNumber == null && f.amountText == null) {
            throw new BadLine(DeadLetterReason.MISSING_FIELD, "amount is missing");
        }
        try {
            return EventMapper.toMinorUnits(f.amountNumber != null ? f.amountNumber : new BigDecimal(f.amountText.strip()));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadLine(DeadLetterReason.UNDECODABLE, "amount is not a decimal with at most 2 places: "
                    + (f.amountNumber != null ? f.amountNumber : f.amountText));
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
