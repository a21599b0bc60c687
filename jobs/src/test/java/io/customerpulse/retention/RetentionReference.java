package io.customerpulse.retention;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.testing.ReferenceDuplicates;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The retention job's serving tables computed by brute force, straight from the README's
 * definitions ("What the job computes", "Serving tables"), over the list of events the job
 * admitted (no invalid or late events; duplicates by event_id may be present) and the job's final
 * event-time clock.
 *
 * <p>Written independently of the streaming operators: no state machine, no timers. For each
 * user it collects every instant at which the status could change (each event time, and every
 * threshold any prefix of the user's history implies) and evaluates the status at each of them
 * directly from the list of events applied by then. Everything is recomputed from scratch.
 *
 * <p>What it reads from {@link RetentionSettings}: the time zone, the dedup horizon, the BG/NBD
 * parameters and horizon, and the score weights. {@code RetentionRules} and the half-life of
 * {@code ActivityScore} expose no values, so the thresholds come from {@link Thresholds}
 * (README defaults unless given).
 *
 * <p>Interpretations of the README made here (each covered by {@code RetentionReferenceTest}):
 * <ul>
 *   <li>duplicates are per user (the job keeps "the event ids of the last 7 days" in the user's
 *       state); an event is dropped when the same id was <em>counted</em> less than the horizon
 *       before it, so an id counts again once the horizon after its counted occurrence has
 *       passed;</li>
 *   <li>a user "came back from dormant or churned" at an event when the status just before it
 *       (thresholds at the event's instant applied) was dormant or churned;</li>
 *   <li>a cohort row's as_of is the newest of the counted activities, an activity being counted
 *       when it is the user's first on that day.</li>
 * </ul>
 */
public final class RetentionReference {
    private static final long DAY_MS = 86_400_000L;
    private static final Comparator<PulseEvent> ORDER =
            Comparator.comparingLong((PulseEvent e) -> e.eventTime).thenComparing(e -> e.eventId);

    /** The status words of user_retention.status, in the README's rule order. */
    enum Status {
        CHURNED, DORMANT, AT_RISK, NEW, RESURRECTED, ACTIVE;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean lapsed() {
            return this == DORMANT || this == CHURNED;
        }
    }

    /** The definitions' durations and rhythm rule (README "Configuration reference"). */
    public record Thresholds(Duration newWindow, Duration resurrectedWindow, Duration dormantAfter,
                             Duration churnedAfter, Duration defaultRiskAfter, int rhythmMinActiveDays,
                             BigDecimal rhythmMultiplier, Duration riskAfterMin, Duration riskAfterMax,
                             Duration halfLife) {
        public static final Thresholds README_DEFAULTS = new Thresholds(Duration.ofDays(7), Duration.ofDays(7),
                Duration.ofDays(30), Duration.ofDays(90), Duration.ofDays(14), 3, BigDecimal.valueOf(3),
                Duration.ofDays(2), Duration.ofDays(30), Duration.ofDays(7));
    }

    /** The three tables as canonical rows (see {@link Canonical}), each in its table's order. */
    public record Result(List<String> userRetention, List<String> transitions, List<String> cohorts) {}

    private final Thresholds t;
    private final ZoneId zone;
    private final long dedupHorizonMs;
    private final BgNbdModel model;
    private final double horizonDays;
    private final Map<EventType, Double> weights = new HashMap<>();

    public RetentionReference(RetentionSettings settings) {
        this(settings, Thresholds.README_DEFAULTS);
    }

    public RetentionReference(RetentionSettings settings, Thresholds thresholds) {
        this.t = thresholds;
        this.zone = settings.zone;
        this.dedupHorizonMs = settings.dedupHorizon.toMillis();
        this.model = new BgNbdModel(settings.model);
        this.horizonDays = settings.expectedPurchasesHorizon.toMillis() / (double) DAY_MS;
        for (EventType type : EventType.values()) {
            weights.put(type, settings.score.weight(type));
        }
    }

    /**
     * @param admitted the events the job admitted, in any order, duplicates included
     * @param clock the job's final event-time clock (epoch ms; {@code Long.MAX_VALUE} for a clock
     *              that ran to the end of time); later events are ignored
     */
    public Result compute(List<PulseEvent> admitted, long clock) {
        Map<String, List<PulseEvent>> byUser = new TreeMap<>();
        for (PulseEvent e : admitted) {
            if (e.eventTime <= clock) {
                byUser.computeIfAbsent(e.userId, k -> new ArrayList<>()).add(e);
            }
        }
        List<String> users = new ArrayList<>();
        List<String> transitions = new ArrayList<>();
        Map<CohortKey, Map<String, Long>> cohorts = new TreeMap<>();
        for (Map.Entry<String, List<PulseEvent>> entry : byUser.entrySet()) {
            List<PulseEvent> events = deduplicate(entry.getValue());
            long lastChange = events.get(events.size() - 1).eventTime;
            List<Change> changes = transitions(events, clock);
            // Table order: transition_at, then to_status (a threshold and an event may share an instant).
            changes.sort(Comparator.comparingLong(Change::at).thenComparing(c -> c.to().word()));
            for (Change c : changes) {
                transitions.add(Canonical.row(entry.getKey(), c.from == null ? null : c.from.word(), c.to.word(),
                        c.at));
                lastChange = Math.max(lastChange, c.at);
            }
            users.add(userRow(entry.getKey(), events, lastChange));
            countCohortActivity(entry.getKey(), events, cohorts);
        }
        List<String> cohortRows = new ArrayList<>();
        cohorts.forEach((key, firstActivityByUser) -> cohortRows.add(Canonical.row(
                LocalDate.ofEpochDay(key.cohortDay), key.channel, key.dayN, firstActivityByUser.size(),
                cohorts.get(new CohortKey(key.cohortDay, key.channel, 0)).size(),
                firstActivityByUser.values().stream().mapToLong(Long::longValue).max().orElseThrow())));
        return new Result(users, transitions, cohortRows);
    }

    /**
     * A user's events in application order (time, then event_id) without duplicates: an event
     * whose id was counted less than the dedup horizon earlier (event time) is dropped.
     */
    List<PulseEvent> deduplicate(List<PulseEvent> userEvents) {
        return ReferenceDuplicates.dropped(userEvents, dedupHorizonMs, ORDER);
    }

    private record Change(Status from, Status to, long at) {}

    /**
     * Every status change at or before the clock. The candidate instants are all event times and
     * every threshold implied by any prefix of the history; at each, the status is evaluated from
     * the events applied by then (at an event's instant: first without the events of that instant,
     * since a threshold crossed then applies before the event, then with them).
     */
    private List<Change> transitions(List<PulseEvent> events, long clock) {
        TreeSet<Long> eventInstants = new TreeSet<>();
        events.forEach(e -> eventInstants.add(e.eventTime));
        TreeSet<Long> candidates = new TreeSet<>(eventInstants);
        long first = eventInstants.first();
        candidates.add(plus(first, t.newWindow.toMillis()));
        for (long at : eventInstants) {
            List<PulseEvent> applied = appliedUpTo(events, at, true);
            candidates.add(plus(at, riskAfterMs(applied)));
            candidates.add(plus(at, t.dormantAfter.toMillis()));
            candidates.add(plus(at, t.churnedAfter.toMillis()));
            candidates.add(plus(at, t.resurrectedWindow.toMillis())); // in case `at` is a comeback
        }
        List<Change> changes = new ArrayList<>();
        Status current = null;
        for (long at : candidates) {
            if (at > clock) {
                break;
            }
            if (eventInstants.contains(at)) {
                List<PulseEvent> before = appliedUpTo(events, at, false);
                if (!before.isEmpty()) {
                    current = record(changes, current, statusAt(before, at), at);
                }
            }
            current = record(changes, current, statusAt(appliedUpTo(events, at, true), at), at);
        }
        return changes;
    }

    private static Status record(List<Change> changes, Status current, Status next, long at) {
        if (next != current) {
            changes.add(new Change(current, next, at));
        }
        return next;
    }

    /** The events applied at {@code at}: those before it, or at or before it. */
    private static List<PulseEvent> appliedUpTo(List<PulseEvent> events, long at, boolean inclusive) {
        List<PulseEvent> applied = new ArrayList<>();
        for (PulseEvent e : events) {
            if (e.eventTime < at || inclusive && e.eventTime == at) {
                applied.add(e);
            }
        }
        return applied;
    }

    /** The README's status rules at instant {@code at}, given the events applied by then (non-empty). */
    Status statusAt(List<PulseEvent> applied, long at) {
        long first = applied.get(0).eventTime;
        long last = applied.get(applied.size() - 1).eventTime;
        long g = at - last;
        Long comeback = lastComeback(applied);
        if (g >= t.churnedAfter.toMillis()) {
            return Status.CHURNED;
        }
        if (g >= t.dormantAfter.toMillis()) {
            return Status.DORMANT;
        }
        if (g >= riskAfterMs(applied)) {
            return Status.AT_RISK;
        }
        if (at - first < t.newWindow.toMillis()) {
            return Status.NEW;
        }
        if (comeback != null && at - comeback < t.resurrectedWindow.toMillis()) {
            return Status.RESURRECTED;
        }
        return Status.ACTIVE;
    }

    /**
     * The newest instant the user came back from dormant or churned: an event instant at which the
     * status just before the event (thresholds applied first) was dormant or churned.
     */
    private Long lastComeback(List<PulseEvent> applied) {
        Long comeback = null;
        long previous = applied.get(0).eventTime;
        for (PulseEvent e : applied) {
            if (e.eventTime != previous) {
                long g = e.eventTime - previous;
                if (lapsedGap(g)) {
                    comeback = e.eventTime;
                }
                previous = e.eventTime;
            }
        }
        return comeback;
    }

    /** Rules 1 and 2 alone decide whether the status is dormant or churned. */
    private boolean lapsedGap(long g) {
        return g >= t.churnedAfter.toMillis() || g >= t.dormantAfter.toMillis();
    }

    /**
     * risk_after: the default without enough distinct active days, else multiplier x mean gap
     * between consecutive distinct active days, clamped, rounded down to the millisecond.
     */
    long riskAfterMs(List<PulseEvent> applied) {
        TreeSet<Long> days = new TreeSet<>();
        applied.forEach(e -> days.add(day(e.eventTime)));
        if (days.size() < t.rhythmMinActiveDays) {
            return t.defaultRiskAfter.toMillis();
        }
        BigDecimal spanMs = BigDecimal.valueOf((days.last() - days.first()) * DAY_MS);
        BigDecimal risk = t.rhythmMultiplier.multiply(spanMs)
                .divide(BigDecimal.valueOf(days.size() - 1), 0, RoundingMode.FLOOR);
        BigDecimal min = BigDecimal.valueOf(t.riskAfterMin.toMillis());
        BigDecimal max = BigDecimal.valueOf(t.riskAfterMax.toMillis());
        return risk.max(min).min(max).longValueExact();
    }

    private String userRow(String user, List<PulseEvent> events, long asOf) {
        PulseEvent first = events.get(0);
        long[] counts = new long[EventType.values().length];
        long revenueMinor = 0;
        double score = 0;
        TreeSet<Long> purchaseDays = new TreeSet<>();
        for (PulseEvent e : events) {
            counts[e.type.ordinal()]++;
            score += weights.get(e.type) * Math.pow(0.5, (asOf - e.eventTime) / (double) t.halfLife.toMillis());
            if (e.type == EventType.PURCHASE) {
                revenueMinor += e.valueMinor;
                purchaseDays.add(day(e.eventTime));
            }
        }
        Integer frequency = null;
        Integer recency = null;
        Integer age = null;
        Double pAlive = null;
        Double expected = null;
        if (!purchaseDays.isEmpty()) {
            frequency = purchaseDays.size() - 1;
            recency = (int) (purchaseDays.last() - purchaseDays.first());
            age = (int) (day(asOf) - purchaseDays.first());
            pAlive = model.probabilityAlive(frequency, recency, age);
            expected = model.expectedPurchases(horizonDays, frequency, recency, age);
        }
        return Canonical.row(user, statusAt(events, asOf).word(), Canonical.decimal6(score), first.eventTime,
                events.get(events.size() - 1).eventTime, first.channel,
                counts[EventType.CLICK.ordinal()], counts[EventType.SHARE.ordinal()],
                counts[EventType.PURCHASE.ordinal()], Canonical.money(revenueMinor), frequency, recency, age,
                Canonical.decimal6(pAlive), Canonical.decimal6(expected),
                Canonical.decimal6(riskAfterMs(events) / (double) DAY_MS), asOf);
    }

    private record CohortKey(long cohortDay, String channel, long dayN) implements Comparable<CohortKey> {
        private static final Comparator<CohortKey> ORDER = Comparator.comparingLong(CohortKey::cohortDay)
                .thenComparing(CohortKey::channel).thenComparingLong(CohortKey::dayN);

        @Override
        public int compareTo(CohortKey o) {
            return ORDER.compare(this, o);
        }
    }

    /** For each day the user was active, the user's first event time of that day in their cohort's row. */
    private void countCohortActivity(String user, List<PulseEvent> events, Map<CohortKey, Map<String, Long>> cohorts) {
        long cohortDay = day(events.get(0).eventTime);
        String channel = events.get(0).channel;
        for (PulseEvent e : events) {
            CohortKey key = new CohortKey(cohortDay, channel, day(e.eventTime) - cohortDay);
            cohorts.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(user, e.eventTime);
        }
    }

    private long day(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate().toEpochDay();
    }

    private static long plus(long at, long duration) {
        long sum = at + duration;
        return ((at ^ sum) & (duration ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * The canonical text of serving-table rows, shared with tests that read the tables over JDBC:
     * columns joined by {@code " | "}, {@code null} for SQL NULL, instants as epoch milliseconds,
     * doubles to 6 decimals (half-up), money with 2 decimals, dates as ISO yyyy-MM-dd.
     */
    public static final class Canonical {
        public static final String SEPARATOR = " | ";

        private Canonical() {}

        /** One row: each column through {@link #nullable(Object)}. */
        public static String row(Object... columns) {
            return Arrays.stream(columns).map(Canonical::nullable).collect(Collectors.joining(SEPARATOR));
        }

        /** {@code null} for SQL NULL, else the value's text ({@link LocalDate} prints ISO). */
        public static String nullable(Object value) {
            return value == null ? "null" : value.toString();
        }

        public static String millis(long epochMillis) {
            return Long.toString(epochMillis);
        }

        /** A JDBC timestamp ({@link java.sql.Timestamp} is a Date) as epoch milliseconds, or null. */
        public static String millis(java.util.Date timestamp) {
            return timestamp == null ? null : millis(timestamp.getTime());
        }

        public static String millis(OffsetDateTime timestamp) {
            return timestamp == null ? null : millis(timestamp.toInstant().toEpochMilli());
        }

        public static String millis(Instant instant) {
            return instant == null ? null : millis(instant.toEpochMilli());
        }

        public static String decimal6(double value) {
            return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).toPlainString();
        }

        /** Null stays null (SQL NULL). */
        public static String decimal6(Double value) {
            return value == null ? null : decimal6(value.doubleValue());
        }

        public static String money(BigDecimal amount) {
            return amount == null ? null : amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
        }

        /** Minor units (cents) as money. */
        public static String money(long minor) {
            return money(BigDecimal.valueOf(minor, 2));
        }

        public static String date(LocalDate day) {
            return day == null ? null : day.toString();
        }

        public static String date(java.sql.Date day) {
            return day == null ? null : date(day.toLocalDate());
        }
    }
}
