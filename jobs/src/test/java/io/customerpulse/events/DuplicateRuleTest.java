package io.customerpulse.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

class DuplicateRuleTest {
    /** Times in days, with a 7-day horizon. */
    private static final long DAY = 86_400_000L;
    private final DuplicateRule rule = new DuplicateRule(Duration.ofDays(7));

    @Test
    void aCopyWithinTheHorizonAfterTheCountedOneIsADuplicateWhenApplied() {
        assertThat(rule.countsWhenApplied(null, 3 * DAY)).isTrue();
        assertThat(rule.countsWhenApplied(0L, 3 * DAY)).isFalse();
        assertThat(rule.countsWhenApplied(0L, 7 * DAY - 1)).isFalse();
        assertThat(rule.countsWhenApplied(0L, 7 * DAY)).isTrue(); // the horizon has passed: it counts again
    }

    @Test
    void afterARestoreACopyAtOrBeforeTheCountedOneWithinTheHorizonIsADuplicateWhenApplied() {
        // Only a restore that lowered the late boundary lets such a copy in; the id counted already.
        assertThat(rule.countsWhenApplied(3 * DAY, 3 * DAY)).isFalse();
        assertThat(rule.countsWhenApplied(5 * DAY, 3 * DAY)).isFalse();
        assertThat(rule.countsWhenApplied(10 * DAY, 3 * DAY)).isTrue(); // a horizon apart: both count
    }

    @Test
    void onArrivalOnlySealedDuplicatesAreDropped() {
        // A copy already held at the same instant: of the two at most one counts.
        assertThat(rule.isDuplicateOnArrival(null, 3 * DAY, true, false)).isTrue();
        // Within the horizon after a counted copy: nothing arriving now can come before that one.
        assertThat(rule.isDuplicateOnArrival(0L, 3 * DAY, false, false)).isTrue();
        assertThat(rule.isDuplicateOnArrival(3 * DAY, 3 * DAY, false, false)).isTrue();
        assertThat(rule.isDuplicateOnArrival(0L, 7 * DAY, false, false)).isFalse();
        // Otherwise it waits to be applied in event-time order.
        assertThat(rule.isDuplicateOnArrival(null, 3 * DAY, false, false)).isFalse();
        assertThat(rule.isDuplicateOnArrival(5 * DAY, 3 * DAY, false, false)).isFalse();
    }

    @Test
    void aLateCopyWithinTheHorizonOfACountedOneOnEitherSideIsADuplicateNotALateEvent() {
        assertThat(rule.isDuplicateOnArrival(5 * DAY, 3 * DAY, false, true)).isTrue();
        assertThat(rule.isDuplicateOnArrival(0L, 3 * DAY, false, true)).isTrue();
        assertThat(rule.isDuplicateOnArrival(10 * DAY, 3 * DAY, false, true)).isFalse();
        assertThat(rule.isDuplicateOnArrival(null, 3 * DAY, false, true)).isFalse();
    }

    @Test
    void anIdIsForgottenOnceTheHorizonAfterItsCountedCopyHasPassed() {
        assertThat(rule.forgettableFrom(2 * DAY)).isEqualTo(9 * DAY);
        assertThatThrownBy(() -> new DuplicateRule(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLaterCopyArrivingFirstIsTheDuplicate() {
        Key key = new Key();
        key.arrive("k", days(3));
        key.arrive("k", days(0));
        key.advanceTo(Long.MAX_VALUE);
        assertThat(key.counted).containsExactly("k@0.0");
        assertThat(key.duplicates).isEqualTo(1);
    }

    @Test
    void aChainOfCopiesCountsTheFirstAndTheFirstAfterTheHorizonOfItInEveryArrivalOrder() {
        double[][] orders = {{0, 5, 10}, {0, 10, 5}, {5, 0, 10}, {5, 10, 0}, {10, 0, 5}, {10, 5, 0}};
        for (double[] order : orders) {
            Key key = new Key();
            for (double day : order) {
                key.arrive("k", days(day));
            }
            key.advanceTo(Long.MAX_VALUE);
            assertThat(key.counted).as("arrival order %s", java.util.Arrays.toString(order))
                    .containsExactly("k@0.0", "k@10.0");
            assertThat(key.duplicates).isEqualTo(1);
        }
    }

    @Test
    void aChainStillDecidesInEventTimeOrderWhileTheWatermarkAdvances() {
        Key key = new Key();
        key.arrive("k", days(12));
        key.arrive("k", days(5));
        key.advanceTo(days(4));
        key.arrive("k", days(4.5)); // not late, and before the day-5 copy: that one becomes the duplicate
        key.advanceTo(days(6));
        key.arrive("k", days(6.5)); // within the horizon of the counted day-4.5 copy: sealed on arrival
        key.advanceTo(Long.MAX_VALUE);
        assertThat(key.counted).containsExactly("k@4.5", "k@12.0");
        assertThat(key.duplicates).isEqualTo(2);
    }

    /**
     * Random copies of a few ids arriving in random order while the watermark advances: the copies
     * counted are exactly those the definition counts among the copies that were not late, taken
     * in event-time order, and every copy has exactly one outcome.
     */
    @Test
    void whateverTheArrivalOrderTheCountedCopiesAreThoseOfTheDefinitionInEventTimeOrder() {
        Random random = new Random(11);
        for (int run = 0; run < 5_000; run++) {
            Key key = new Key();
            List<String[]> onTime = new ArrayList<>(); // {id, time}
            int copies = 1 + random.nextInt(12);
            for (int i = 0; i < copies; i++) {
                String id = "id" + random.nextInt(3);
                long time = days(random.nextInt(40) / 2.0); // half days, so copies share instants
                if (time > key.watermark) {
                    onTime.add(new String[] {id, String.valueOf(time)});
                }
                key.arrive(id, time);
                if (random.nextInt(3) == 0) {
                    key.advanceTo(key.watermark == Long.MIN_VALUE ? days(random.nextInt(20) / 2.0)
                            : key.watermark + days(random.nextInt(8) / 2.0));
                }
            }
            key.advanceTo(Long.MAX_VALUE);

            assertThat(key.counted).as("run %d", run).containsExactlyElementsOf(definition(onTime));
            assertThat(key.counted.size() + key.duplicates + key.late).isEqualTo(copies);
        }
    }

    private static long days(double d) {
        return Math.round(d * DAY);
    }

    /** Straight from the README: in event-time order, a copy is dropped if its id counted less than 7 days before. */
    private static List<String> definition(List<String[]> copies) {
        List<String[]> sorted = new ArrayList<>(copies);
        sorted.sort(Key.ORDER);
        Map<String, Long> countedAt = new HashMap<>();
        List<String> counted = new ArrayList<>();
        for (String[] c : sorted) {
            long t = Long.parseLong(c[1]);
            Long previous = countedAt.get(c[0]);
            if (previous == null || t - previous >= days(7)) {
                countedAt.put(c[0], t);
                counted.add(Key.name(c[0], t));
            }
        }
        return counted;
    }

    /**
     * One key of an operator carrying out the rule, as {@code EventAdmission} with {@code HeldEvents}
     * does: copies ahead of the watermark are held, and applied in event-time order once it passes;
     * remembered ids are swept once the watermark is past their horizon.
     */
    private final class Key {
        static final Comparator<String[]> ORDER =
                Comparator.comparingLong((String[] c) -> Long.parseLong(c[1])).thenComparing(c -> c[0]);

        final Map<String, Long> remembered = new HashMap<>();
        final List<String[]> held = new ArrayList<>(); // {id, time}
        final List<String> counted = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        int duplicates;
        int late;

        static String name(String id, long time) {
            return id + "@" + time / (double) DAY;
        }

        void arrive(String id, long time) {
            boolean sameInstant = held.stream().anyMatch(h -> h[0].equals(id) && Long.parseLong(h[1]) == time);
            boolean isLate = time <= watermark;
            if (rule.isDuplicateOnArrival(remembered.get(id), time, sameInstant, isLate)) {
                duplicates++;
            } else if (isLate) {
                late++;
            } else {
                held.add(new String[] {id, String.valueOf(time)});
            }
        }

        void advanceTo(long newWatermark) {
            watermark = newWatermark;
            List<String[]> due = new ArrayList<>(held.stream().filter(h -> Long.parseLong(h[1]) <= newWatermark).toList());
            held.removeAll(due);
            due.sort(ORDER);
            for (String[] h : due) {
                long t = Long.parseLong(h[1]);
                if (rule.countsWhenApplied(remembered.get(h[0]), t)) {
                    remembered.put(h[0], t);
                    counted.add(name(h[0], t));
                } else {
                    duplicates++;
                }
            }
            remembered.values().removeIf(at -> rule.forgettableFrom(at) <= newWatermark);
        }
    }
}
