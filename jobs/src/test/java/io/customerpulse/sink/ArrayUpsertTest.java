package io.customerpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.customerpulse.sink.ArrayUpsert.Column;

import org.junit.jupiter.api.Test;

import java.util.List;

class ArrayUpsertTest {
    record Row(String id, long paidMinor, long asOf) {}

    record Scored(String id, int visits, Double score, String referrer) {}

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

    @Test
    void eachColumnIsBoundAsAnArrayOfItsOwnTypeSoTheDriverSendsItInBinary() {
        ArrayUpsert<Scored> upsert = new ArrayUpsert<>("t", "id", "visits",
                Column.of("id", "text", Scored::id),
                Column.of("visits", "int8", Scored::visits),
                Column.of("score", "float8", Scored::score),
                Column.of("referrer", "text", Scored::referrer));
        Object[][] arrays = upsert.columnArrays(List.of(
                new Scored("u-1", 3, 0.25, null), new Scored("u-2", 7, null, "u-1")));
        // The driver picks its binary encoding by the array's class: String[], Long[], Double[].
        assertThat(arrays[0]).isExactlyInstanceOf(String[].class).containsExactly("u-1", "u-2");
        assertThat(arrays[1]).isExactlyInstanceOf(Long[].class).containsExactly(3L, 7L);
        assertThat(arrays[2]).isExactlyInstanceOf(Double[].class).containsExactly(0.25, null);
        assertThat(arrays[3]).isExactlyInstanceOf(String[].class).containsExactly(null, "u-1");
    }

    @Test
    void anArrayTypeWithoutABinaryBindingIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Column.of("at", "timestamptz", Row::asOf));
        assertThat(refused).hasMessageContaining("timestamptz").hasMessageContaining("int8");
    }
}
