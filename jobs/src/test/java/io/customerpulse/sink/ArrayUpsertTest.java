package io.customerpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.customerpulse.sink.ArrayUpsert.Column;

import org.junit.jupiter.api.Test;

class ArrayUpsertTest {
    record Row(String id, long paidMinor, long asOf) {}

    @Test
    void theStatementTakesOneArrayPerColumnAndUpdatesEveryColumnButTheKeyWhenNewer() {
        ArrayUpsert<Row> upsert = new ArrayUpsert<>("t", "id", "as_of",
                Column.of("id", "text", Row::id),
                Column.money("paid", Row::paidMinor),
                Column.instant("as_of", Row::asOf));
        assertThat(upsert.sql()).isEqualTo("""
                INSERT INTO t (id, paid, as_of)
                SELECT id, paid::numeric / 100, timestamptz 'epoch' + as_of * interval '1 millisecond'
                FROM unnest(?::text[], ?::int8[], ?::int8[]) AS r(id, paid, as_of)
                ON CONFLICT (id) DO UPDATE SET paid = EXCLUDED.paid, as_of = EXCLUDED.as_of
                WHERE t.as_of <= EXCLUDED.as_of""");
    }

    @Test
    void theKeyColumnComesFirst() {
        assertThrows(IllegalArgumentException.class, () -> new ArrayUpsert<Row>("t", "id", "as_of",
                Column.instant("as_of", Row::asOf), Column.of("id", "text", Row::id)));
    }
}
