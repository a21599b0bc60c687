package io.customerpulse.flink;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CountedIdListTest {

    @Test
    void remembersTheLastCountedTimeOfEachId() {
        CountedIdList ids = new CountedIdList();
        assertThat(ids.countedAt("a")).isNull();
        ids.remember("a", 10);
        ids.remember("b", 20);
        ids.remember("c", 30); // beyond the initial capacity of two
        ids.remember("a", 40); // a later counted copy replaces the time, not the entry
        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.countedAt("a")).isEqualTo(40L);
        assertThat(ids.countedAt("b")).isEqualTo(20L);
        assertThat(ids.countedAt("c")).isEqualTo(30L);
        assertThat(ids.countedAt("d")).isNull();
    }

    @Test
    void forgetsExactlyTheIdsItIsToldToAndKeepsTheOrderOfTheRest() {
        CountedIdList ids = new CountedIdList();
        ids.remember("a", 10);
        ids.remember("b", 50);
        ids.remember("c", 20);
        ids.remember("d", 60);
        ids.forget(t -> t < 30);
        assertThat(ids.toString()).isEqualTo("[b@50, d@60]");
        assertThat(ids.countedAt("a")).isNull();
        assertThat(ids.countedAt("c")).isNull();
        ids.remember("a", 70); // an id forgotten may be counted again
        assertThat(ids.toString()).isEqualTo("[b@50, d@60, a@70]");
        ids.forget(t -> true);
        assertThat(ids.size()).isZero();
        assertThat(ids).isEqualTo(new CountedIdList());
    }

    @Test
    void aCopyIsIndependentAndEqualUntilEitherChanges() {
        CountedIdList ids = new CountedIdList();
        ids.remember("a", 10);
        CountedIdList copy = ids.copy();
        assertThat(copy).isEqualTo(ids).hasSameHashCodeAs(ids);
        copy.remember("b", 20);
        assertThat(ids.size()).isEqualTo(1);
        assertThat(copy).isNotEqualTo(ids);
    }
}
