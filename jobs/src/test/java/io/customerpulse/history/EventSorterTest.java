package io.customerpulse.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.PulseEvent;
import io.customerpulse.testing.Events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

class EventSorterTest {
    @TempDir
    Path spill;

    @Test
    void sortsByEventTimeKeepingInputOrderOnTiesAcrossSpilledRuns() throws Exception {
        Random random = new Random(3);
        List<PulseEvent> input = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            // few distinct times, so many ties
            input.add(Events.click("e" + i, "u" + random.nextInt(50), 1_700_000_000_000L + random.nextInt(300) * 1000L));
        }
        List<String> expected = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> input.get(i).eventTime).thenComparing(i -> i));
        order.forEach(i -> expected.add(input.get(i).eventId));

        List<String> actual = new ArrayList<>();
        try (EventSorter sorter = new EventSorter(700, spill)) {
            input.forEach(sorter::add);
            Iterator<PulseEvent> sorted = sorter.sorted();
            sorted.forEachRemaining(e -> actual.add(e.eventId));
            try (var files = Files.list(spill)) {
                assertThat(files.count()).isEqualTo(8); // 5,000 events in runs of 700
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        try (var files = Files.list(spill)) {
            assertThat(files.count()).isZero();
        }
    }

    @Test
    void smallInputsStayInMemory() throws Exception {
        try (EventSorter sorter = new EventSorter(100, spill)) {
            sorter.add(Events.click("b", "u", 2));
            sorter.add(Events.click("a", "u", 1));
            List<String> ids = new ArrayList<>();
            sorter.sorted().forEachRemaining(e -> ids.add(e.eventId));
            assertThat(ids).containsExactly("a", "b");
        }
        try (var files = Files.list(spill)) {
            assertThat(files.count()).isZero();
        }
    }
}
