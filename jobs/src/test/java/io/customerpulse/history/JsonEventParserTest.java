package io.customerpulse.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How one JSON line becomes an event; expected values written out by hand. */
class JsonEventParserTest {
    private final JsonEventParser parser = new JsonEventParser();

    private static final String PURCHASE_FIELDS =
            "\"event_id\":\"p-1\",\"user_id\":\"u-1\",\"event_time\":\"2025-03-01T12:00:00Z\",\"order_id\":\"o\",\"currency\":\"cny\"";

    @Test
    void readsEveryFieldOfAPurchaseAndIgnoresUnknownOnesWhateverTheirShape() throws Exception {
        PulseEvent e = parser.parse("{\"type\":\" Purchase \",\"event_id\":\"p-17\",\"user_id\":\"u-3\","
                + "\"event_time\":\"2025-03-01T12:00:00.250Z\",\"channel\":\"store\",\"order_id\":\"o-9\",\"amount\":\"12.50\","
                + "\"currency\":\" cny \",\"share_id\":\"\",\"store_id\":\"sh-01\","
                + "\"extra\":{\"nested\":[1,2,{\"event_id\":\"not this one\"}]},\"more\":[\"x\"]}");
        assertThat(e.type).isEqualTo(EventType.PURCHASE);
        assertThat(e.eventId).isEqualTo("p-17");
        assertThat(e.userId).isEqualTo("u-3");
        assertThat(e.eventTime).isEqualTo(1_740_830_400_250L); // 2025-03-01 = day 20148; x 86,400,000 + 12 h + 250 ms
        assertThat(e.channel).isEqualTo("store");
        assertThat(e.orderId).isEqualTo("o-9");
        assertThat(e.amountMinor).isEqualTo(1250);
        assertThat(e.currency).isEqualTo("CNY");
        assertThat(e.shareId).isNull(); // an empty share id is none
        assertThat(e.storeId).isEqualTo("sh-01");
    }

    @ParameterizedTest(name = "amount {0} -> {1} minor units")
    @CsvSource(delimiter = ';', value = {
        "12.5; 1250", "0.1; 10", "\"0.10\"; 10", "7; 700", "\" 3.00 \"; 300", "1e2; 10000",
    })
    void amountsAreExactDecimalsFromNumbersOrText(String json, long minor) throws Exception {
        assertThat(parser.parse("{\"type\":\"purchase\"," + PURCHASE_FIELDS + ",\"amount\":" + json + "}").amountMinor).isEqualTo(minor);
    }

    @ParameterizedTest(name = "event_time {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "1740830400000; 1740830400000", "\"1740830400000\"; 1740830400000", "\"2025-03-01T20:00:00+08:00\"; 1740830400000",
    })
    void eventTimesAreEpochMillisOrIsoInstants(String json, long millis) throws Exception {
        assertThat(parser.parse("{\"type\":\"click\",\"event_id\":\"c\",\"user_id\":\"u\",\"event_time\":" + json + "}").eventTime)
                .isEqualTo(millis);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
        "[1,2]; UNDECODABLE",
        "{\"type\":\"click\"; UNDECODABLE",
        "{\"type\":\"click\",}; UNDECODABLE",
        "{\"type\":[\"click\"],\"event_time\":1}; UNDECODABLE",
        "{\"type\":\"click\",\"event_time\":1.5}; UNDECODABLE",
        "{\"type\":\"click\",\"event_time\":{\"ms\":1}}; UNDECODABLE",
        "{\"type\":\"click\",\"event_time\":null}; MISSING_FIELD",
        "{\"type\":\"click\",\"event_time\":\"yesterday\"}; UNDECODABLE",
        "{\"type\":\"click\",\"event_time\":99999999999999999999}; UNDECODABLE",
        // valid ISO-8601, but beyond what a long of epoch milliseconds holds
        "{\"type\":\"click\",\"event_time\":\"+999999999-12-31T23:59:59Z\"}; UNDECODABLE",
        "{\"type\":\"click\",\"event_time\":\"-999999999-01-01T00:00:00Z\"}; UNDECODABLE",
        "{\"type\":\"purchase\"," + "\"event_time\":1,\"currency\":\"CNY\"}; MISSING_FIELD",
        "{\"type\":\"purchase\"," + "\"event_time\":1,\"currency\":\"CNY\",\"amount\":\"1.234\"}; UNDECODABLE",
        "{\"type\":\"purchase\"," + "\"event_time\":1,\"currency\":\"CNY\",\"amount\":true}; UNDECODABLE",
        "{\"type\":\"purchase\"," + "\"event_time\":1,\"amount\":1}; MISSING_FIELD",
    })
    void badLinesSayWhy(String line, DeadLetterReason reason) {
        assertThatThrownBy(() -> parser.parse(line)).isInstanceOfSatisfying(JsonEventParser.BadLine.class,
                bad -> assertThat(bad.reason()).isEqualTo(reason));
    }

    @Test
    void aRepeatedKeyKeepsItsLastValueAndNumbersAreReadAsTheirText() throws Exception {
        PulseEvent e = parser.parse("{\"type\":\"share\",\"event_id\":\"s-1\",\"event_id\":\"s-2\",\"user_id\":42,"
                + "\"event_time\":0,\"share_id\":7,\"target\":null}");
        assertThat(e.eventId).isEqualTo("s-2");
        assertThat(e.userId).isEqualTo("42");
        assertThat(e.shareId).isEqualTo("7");
        assertThat(e.target).isNull();
        assertThat(e.channel).isEqualTo("unknown");
    }
}
