package io.customerpulse.reach;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;
import io.customerpulse.testing.ReferenceDuplicates;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Word of mouth computed by brute force, straight from the README's definitions, over a list of
 * admitted events (duplicates are dropped here, within the dedup horizon; late events must not be in the list).
 * Written independently of the streaming operators: sorts everything, walks trees breadth-first.
 * Days are UTC. Expected rows use {@link WomReachRow#figures()} and {@link WomDailyRow#figures()}.
 */
public final class ReachReference {
    private static final Comparator<PulseEvent> ORDER =
            Comparator.comparingLong((PulseEvent e) -> e.eventTime).thenComparing(e -> e.eventId).thenComparing(e -> e.type);

    private final long waitMs;
    private final long windowMs;
    private final int maxDepth;
    private final long dedupHorizonMs;

    public ReachReference(ReachSettings settings) {
        this.dedupHorizonMs = settings.dedupHorizon().toMillis();
        this.waitMs = settings.shareWait().toMillis();
        this.windowMs = settings.attributionWindow().toMillis();
        this.maxDepth = settings.maxDepth();
    }

    private record Share(String owner, long createdAt, int day, String channel) {}

    public record Result(Map<String, String> reachRows, Map<String, String> dailyRows) {}

    public Result compute(List<PulseEvent> input) {
        List<PulseEvent> events = ReferenceDuplicates.dropped(input, dedupHorizonMs, ORDER);

        // Owners: the first share event of each id; later ones by other users conflict.
        Map<String, Share> shares = new HashMap<>();
        List<PulseEvent> acceptedShares = new ArrayList<>();
        for (PulseEvent e : events) {
            if (e.type != EventType.SHARE) {
                continue;
            }
            Share s = shares.get(e.shareId);
            if (s == null) {
                shares.put(e.shareId, new Share(e.userId, e.eventTime, day(e.eventTime), e.channel));
                acceptedShares.add(e);
            } else if (s.owner().equals(e.userId)) {
                acceptedShares.add(e);
            }
        }

        Map<String, long[]> perSharer = new TreeMap<>(); // shares, referredPurchases, referredRevenue, acquiredRevenue
        Map<String, Set<String>> reached = new HashMap<>();
        Map<String, String> acquirerOf = new HashMap<>();
        Map<String, long[]> daily = new TreeMap<>(); // sharers, shares, touches, acquisitions
        Map<String, Set<String>> sharersOfDay = new HashMap<>();

        for (PulseEvent e : acceptedShares) {
            String key = day(e.eventTime) + "|" + e.channel;
            counters(perSharer, e.userId, 4)[0]++;
            counters(daily, key, 4)[1]++;
            if (sharersOfDay.computeIfAbsent(key, k -> new HashSet<>()).add(e.userId)) {
                counters(daily, key, 4)[0]++;
            }
        }

        Map<String, List<PulseEvent>> byUser = new HashMap<>();
        for (PulseEvent e : events) {
            byUser.computeIfAbsent(e.userId, k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<String, List<PulseEvent>> entry : byUser.entrySet()) {
            String user = entry.getKey();
            List<PulseEvent> timeline = entry.getValue(); // already in order
            String acquirer = null;
            long lastTouchAt = 0;
            String lastTouchOwner = null;
            for (int i = 0; i < timeline.size(); i++) {
                PulseEvent e = timeline.get(i);
                Share touched = touchOf(e, shares);
                if (i == 0 && touched != null) {
                    acquirer = touched.owner();
                    acquirerOf.put(user, acquirer);
                    counters(daily, touched.day() + "|" + touched.channel(), 4)[3]++;
                }
                if (touched != null) {
                    counters(daily, touched.day() + "|" + touched.channel(), 4)[2]++;
                    reached.computeIfAbsent(touched.owner(), k -> new HashSet<>()).add(user);
                }
                if (e.type == EventType.PURCHASE) {
                    String attributedTo = touched != null ? touched.owner()
                            : lastTouchOwner != null && e.eventTime - lastTouchAt <= windowMs ? lastTouchOwner : null;
                    if (attributedTo != null) {
                        long[] c = counters(perSharer, attributedTo, 4);
                        c[1]++;
                        c[2] += e.valueMinor;
                    }
                    if (acquirer != null) {
                        counters(perSharer, acquirer, 4)[3] += e.valueMinor;
                    }
                }
                if (touched != null) {
                    lastTouchAt = e.eventTime;
                    lastTouchOwner = touched.owner();
                }
            }
        }

        Map<String, List<String>> children = new HashMap<>();
        acquirerOf.forEach((child, parent) -> children.computeIfAbsent(parent, k -> new ArrayList<>()).add(child));

        Map<String, String> reachRows = new TreeMap<>();
        for (Map.Entry<String, long[]> s : perSharer.entrySet()) {
            long[] c = s.getValue();
            if (c[0] == 0) {
                continue;
            }
            String user = s.getKey();
            int direct = children.getOrDefault(user, List.of()).size();
            int cascade = 0;
            int depth = 0;
            List<String> level = List.of(user);
            for (int d = 1; d <= maxDepth && !level.isEmpty(); d++) {
                List<String> next = new ArrayList<>();
                for (String u : level) {
                    next.addAll(children.getOrDefault(u, List.of()));
                }
                if (!next.isEmpty()) {
                    cascade += next.size();
                    depth = d;
                }
                level = next;
            }
            WomReachRow row = new WomReachRow();
            row.userId = user;
            row.shares = c[0];
            row.directReach = reached.getOrDefault(user, Set.of()).size();
            row.acquiredUsers = direct;
            row.cascadeReach = cascade;
            row.cascadeDepth = depth;
            row.referredPurchases = c[1];
            row.referredRevenueMinor = c[2];
            row.acquiredRevenueMinor = c[3];
            row.acquiredBy = acquirerOf.get(user);
            reachRows.put(user, row.figures());
        }

        Map<String, String> dailyRows = new TreeMap<>();
        daily.forEach((key, c) -> {
            String[] parts = key.split("\\|", 2);
            WomDailyRow row = new WomDailyRow();
            row.day = Integer.parseInt(parts[0]);
            row.channel = parts[1];
            row.sharers = c[0];
            row.shares = c[1];
            row.touches = c[2];
            row.acquisitions = c[3];
            row.kFactor = c[0] == 0 ? null : (double) c[3] / c[0];
            dailyRows.put(key, row.figures());
        });
        return new Result(reachRows, dailyRows);
    }

    /** The share a click or purchase is a touch of, or null (no share, unknown within the wait, or own). */
    private Share touchOf(PulseEvent e, Map<String, Share> shares) {
        if (e.type == EventType.SHARE || e.shareId == null) {
            return null;
        }
        Share s = shares.get(e.shareId);
        if (s == null || s.createdAt() > e.eventTime + waitMs || s.owner().equals(e.userId)) {
            return null;
        }
        return s;
    }

    private static int day(long millis) {
        return (int) LocalDate.ofInstant(java.time.Instant.ofEpochMilli(millis), ZoneOffset.UTC).toEpochDay();
    }

    private static long[] counters(Map<String, long[]> map, String key, int size) {
        return map.computeIfAbsent(key, k -> new long[size]);
    }
}
