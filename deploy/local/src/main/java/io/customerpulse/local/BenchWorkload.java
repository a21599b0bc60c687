package io.customerpulse.local;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The benchmark's fixed, seeded traffic: {@code events} events of {@code users} distinct users
 * (every user appears; each later event picks a user uniformly), in event-time order over
 * {@code days} days. About 75% clicks, 12% purchases, 13% shares; a fifth of the clicks and
 * purchases come through one of the recent shares, so the reach job has touches, acquisitions and
 * attributed revenue to compute. No duplicates, late or bad records: it measures the happy path.
 */
record BenchWorkload(long seed, int users, int events, long startMillis, int days) {
    private static final String[] CHANNELS = {"app", "web", "mini_program", "store", "qr"};

    BenchWorkload {
        if (events < users) {
            throw new IllegalArgumentException("a workload needs at least one event per user: " + events + " < " + users);
        }
    }

    /** The events, in event-time order, to {@code out}. */
    void forEach(Consumer<PulseEvent> out) {
        SplittableRandom random = new SplittableRandom(seed);
        long spanMs = days * 86_400_000L;
        List<String> recentShares = new ArrayList<>();
        int newUsers = 0;
        for (int i = 0; i < events; i++) {
            PulseEvent e = new PulseEvent();
            e.eventId = "b" + seed + "-" + i;
            e.eventTime = startMillis + spanMs * i / events;
            // Users arrive evenly over the first half of the span (one arrival per event at most,
            // so with events >= users every user has appeared by the end), then come back at random.
            long arrived = Math.min(users, 1 + 2L * i * users / events);
            int user = newUsers < arrived ? newUsers++ : random.nextInt(newUsers);
            e.userId = "u" + user;
            e.channel = CHANNELS[random.nextInt(CHANNELS.length)];
            double kind = random.nextDouble();
            if (kind < 0.13) {
                e.type = EventType.SHARE;
                e.shareId = "s" + seed + "-" + i;
                e.itemId = "item-" + random.nextInt(500);
                recentShares.add(e.shareId);
                if (recentShares.size() > 1000) {
                    recentShares.remove(0);
                }
            } else {
                e.type = kind < 0.25 ? EventType.PURCHASE : EventType.CLICK;
                if (!recentShares.isEmpty() && random.nextDouble() < 0.2) {
                    e.shareId = recentShares.get(random.nextInt(recentShares.size()));
                }
                if (e.type == EventType.PURCHASE) {
                    e.orderId = "o" + i;
                    e.amountMinor = 500 + random.nextInt(50_000);
                    e.currency = "CNY";
                } else {
                    e.page = "/item";
                    e.itemId = "item-" + random.nextInt(500);
                }
            }
            out.accept(e);
        }
    }
}
