package io.customerpulse.generator;

import io.customerpulse.events.EventCodec;
import io.customerpulse.events.EventMapper;
import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Generated traffic as producers really deliver it: mostly on time, but some records arrive a
 * little out of order (within the allowed lateness), some twice (at-least-once producers), some
 * far too late, and a few are poison (garbage bytes, a negative amount, a blank user id, a time
 * far in the future). Reproducible with its seed.
 */
public final class NoisyTraffic {

    /** How often each imperfection happens, per event. */
    public record Noise(double jitterRate, long maxJitterMs, double duplicateRate, double lateRate, long lateByMs,
                        double poisonRate, double shareDelayRate, long maxShareDelayMs) {
        public static final Noise NONE = new Noise(0, 0, 0, 0, 0, 0, 0, 0);
        /**
         * What the demo sends: a realistic mix, visible in the dead-letter count. Share events are
         * often delivered after the clicks they caused (another topic, another producer), within the
         * default allowed lateness of five minutes.
         */
        public static final Noise REALISTIC =
                new Noise(0.02, 120_000, 0.005, 0.0005, 2 * 86_400_000L, 0.0005, 0.15, 240_000);
        /** Everything that arrives out of order arrives within the lateness: nothing is refused. */
        public static final Noise IN_ORDER_ENOUGH = new Noise(0.05, 120_000, 0.01, 0, 0, 0, 0.2, 240_000);
    }

    /** A record for Kafka: the topic is chosen by {@link #type}. */
    public record WireRecord(EventType type, byte[] key, byte[] value, long eventTime, Kind kind) {}

    public enum Kind { EVENT, DUPLICATE, LATE, POISON }

    private record Held(long release, long seq, WireRecord record) implements Comparable<Held> {
        @Override
        public int compareTo(Held o) {
            return release != o.release ? Long.compare(release, o.release) : Long.compare(seq, o.seq);
        }
    }

    private final TrafficGenerator generator;
    private final Noise noise;
    private final Random random;
    private final PriorityQueue<Held> held = new PriorityQueue<>();
    private long seq;

    public NoisyTraffic(TrafficGenerator generator, long seed, Noise noise) {
        this.generator = generator;
        this.noise = noise;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    /**
     * Hands every record due at or before event time {@code now} to {@code out}, at most
     * {@code max} of them; returns how many.
     */
    public int emitUntil(long now, int max, Consumer<WireRecord> out) {
        int sent = 0;
        while (sent < max) {
            boolean heldDue = !held.isEmpty() && held.peek().release() <= now;
            boolean freshDue = generator.peekTime() <= now;
            if (heldDue && (!freshDue || held.peek().release() <= generator.peekTime())) {
                out.accept(held.poll().record());
                sent++;
            } else if (freshDue) {
                sent += admit(generator.next(), now, out);
            } else {
                break;
            }
        }
        return sent;
    }

    private int admit(PulseEvent e, long now, Consumer<WireRecord> out) {
        int sent = 0;
        WireRecord record = wire(e, Kind.EVENT);
        double r = random.nextDouble();
        if (r < noise.lateRate()) {
            hold(e.eventTime + noise.lateByMs(), wire(e, Kind.LATE));
        } else if (e.type == EventType.SHARE && random.nextDouble() < noise.shareDelayRate()) {
            hold(e.eventTime + (long) (random.nextDouble() * noise.maxShareDelayMs()), record);
        } else if (r < noise.lateRate() + noise.jitterRate()) {
            hold(e.eventTime + (long) (random.nextDouble() * noise.maxJitterMs()), record);
        } else {
            out.accept(record);
            sent++;
        }
        if (random.nextDouble() < noise.duplicateRate()) {
            hold(e.eventTime + random.nextInt(60_000), wire(e, Kind.DUPLICATE));
        }
        if (random.nextDouble() < noise.poisonRate()) {
            out.accept(poison(e, now));
            sent++;
        }
        return sent;
    }

    private void hold(long release, WireRecord record) {
        held.add(new Held(release, seq++, record));
    }

    private WireRecord poison(PulseEvent template, long now) {
        PulseEvent e = copy(template);
        e.eventId = "poison-" + seq++;
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] garbage = ("{\"not\":\"avro\",\"n\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
                return new WireRecord(e.type, key(e), garbage, e.eventTime, Kind.POISON);
            }
            case 1 -> {
                e.type = EventType.PURCHASE;
                e.orderId = "o-refund";
                e.currency = "CNY";
                e.amountMinor = -1999;
                e.shareId = null;
            }
            case 2 -> e.userId = " ";
            // Far ahead of the wall clock too, whatever era the simulated history is in.
            default -> e.eventTime = Math.max(now, System.currentTimeMillis()) + 400 * TrafficGenerator.DAY_MS;
        }
        return wire(e, Kind.POISON);
    }

    private static WireRecord wire(PulseEvent e, Kind kind) {
        return new WireRecord(e.type, key(e), EventCodec.encode(EventMapper.toAvro(e)), e.eventTime, kind);
    }

    private static byte[] key(PulseEvent e) {
        return e.userId.getBytes(StandardCharsets.UTF_8);
    }

    private static PulseEvent copy(PulseEvent s) {
        PulseEvent e = new PulseEvent();
        e.type = s.type;
        e.eventId = s.eventId;
        e.userId = s.userId;
        e.eventTime = s.eventTime;
        e.channel = s.channel;
        e.page = s.page == null ? "/home" : s.page;
        e.itemId = s.itemId;
        e.shareId = s.shareId == null && s.type == EventType.SHARE ? "sh-x" : s.shareId;
        e.orderId = s.orderId == null ? "o-x" : s.orderId;
        e.amountMinor = s.amountMinor;
        e.currency = s.currency == null ? "CNY" : s.currency;
        e.storeId = s.storeId;
        e.target = s.target;
        return e;
    }
}
