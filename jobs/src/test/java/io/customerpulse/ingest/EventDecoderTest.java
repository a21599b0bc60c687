package io.customerpulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.CurrencyConverter;
import io.customerpulse.events.DeadLetterReason;
import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventType;
import io.customerpulse.events.EventValidator;
import io.customerpulse.events.avro.ClickEvent;
import io.customerpulse.events.avro.PurchaseEvent;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

class EventDecoderTest {
    private static final long NOW = Instant.parse("2025-06-01T00:00:00Z").toEpochMilli();
    private final EventDecoder decoder = new EventDecoder(new EventValidator(
            EventValidator.DEFAULT_EARLIEST, Duration.ofDays(1),
            new CurrencyConverter("CNY", Map.of("USD", new BigDecimal("7.10")))));

    private static PurchaseEvent.Builder purchase() {
        return PurchaseEvent.newBuilder().setEventId("p-1").setUserId("u-1")
                .setEventTime(Instant.parse("2025-05-31T10:00:00Z")).setChannel(" Store ").setOrderId("o-1")
                .setAmount(new BigDecimal("12.50")).setCurrency("cny");
    }

    private IngestRecord decode(EventType type, byte[] bytes) {
        return decoder.decode(type, "u-1".getBytes(), bytes, "purchases", 3, 42, NOW);
    }

    @Test
    void admitsAValidEventWithItsSource() {
        IngestRecord r = decode(EventType.PURCHASE, EventCodec.encode(purchase().build()));
        assertThat(r.isEvent()).isTrue();
        assertThat(r.event.valueMinor).isEqualTo(1250);
        assertThat(r.event.amountMinor).isEqualTo(1250);
        assertThat(r.event.currency).isEqualTo("CNY");
        assertThat(r.event.channel).isEqualTo("store");
        assertThat(r.event.sourcePartition).isEqualTo(3);
        assertThat(r.event.sourceOffset).isEqualTo(42);
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2025-05-31T10:00:00Z").toEpochMilli());
    }

    @Test
    void convertsOtherCurrenciesAtTheConfiguredRate() {
        IngestRecord r = decode(EventType.PURCHASE, EventCodec.encode(purchase().setCurrency("USD").build()));
        assertThat(r.event.valueMinor).isEqualTo(8875); // 12.50 * 7.10 = 88.75
    }

    @Test
    void refusesWithReasonOriginalBytesAndSource() {
        assertRefused(purchase().setUserId(" ").build(), DeadLetterReason.MISSING_FIELD);
        assertRefused(purchase().setEventId("").build(), DeadLetterReason.MISSING_FIELD);
        assertRefused(purchase().setAmount(new BigDecimal("-0.01")).build(), DeadLetterReason.NEGATIVE_AMOUNT);
        assertRefused(purchase().setCurrency("EUR").build(), DeadLetterReason.UNKNOWN_CURRENCY);
        assertRefused(purchase().setEventTime(Instant.parse("2025-06-02T00:00:01Z")).build(),
                DeadLetterReason.EVENT_TIME_IN_FUTURE);
        assertRefused(purchase().setEventTime(Instant.EPOCH).build(), DeadLetterReason.EVENT_TIME_TOO_OLD);
    }

    @Test
    void aDayAheadOfTheWallClockIsStillAccepted() {
        assertThat(decode(EventType.PURCHASE,
                EventCodec.encode(purchase().setEventTime(Instant.parse("2025-06-02T00:00:00Z")).build())).isEvent())
                .isTrue();
    }

    @Test
    void refusesUndecodableBytesWithoutThrowing() {
        byte[] garbage = {1, 2, 3};
        IngestRecord r = decode(EventType.CLICK, garbage);
        assertThat(r.isEvent()).isFalse();
        assertThat(r.deadLetter.reason).isEqualTo("undecodable");
        assertThat(r.deadLetter.payload).isEqualTo(garbage);
        assertThat(r.timestamp()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void refusesAClickWithoutUser() {
        ClickEvent c = ClickEvent.newBuilder().setEventId("c").setUserId("").setEventTime(Instant.parse("2025-05-01T00:00:00Z"))
                .setChannel("app").setPage("/").build();
        assertThat(decode(EventType.CLICK, EventCodec.encode(c)).deadLetter.reason).isEqualTo("missing_field");
    }

    private void assertRefused(PurchaseEvent p, DeadLetterReason reason) {
        byte[] bytes = EventCodec.encode(p);
        IngestRecord r = decode(EventType.PURCHASE, bytes);
        assertThat(r.isEvent()).as("%s", p).isFalse();
        assertThat(r.deadLetter.reason).isEqualTo(reason.code());
        assertThat(r.deadLetter.payload).isEqualTo(bytes);
        assertThat(r.deadLetter.key).isEqualTo("u-1".getBytes());
        assertThat(r.deadLetter.sourceTopic).isEqualTo("purchases");
        assertThat(r.deadLetter.sourcePartition).isEqualTo(3);
        assertThat(r.deadLetter.sourceOffset).isEqualTo(42);
        assertThat(r.deadLetter.detail).isNotBlank();
    }
}
