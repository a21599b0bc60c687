package io.customerpulse.generator;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import java.util.PriorityQueue;
import java.util.Random;

/**
 * Realistic, reproducible customer traffic in event-time order: new users arrive all the time,
 * each with a persona (loyal, regular, occasional, one-off) that sets their rhythm; after a stint
 * of activity they lapse, and some come back weeks or months later. Sessions happen on online
 * (app, web, mini_program) and offline (store, qr) touch points: clicks, sometimes a purchase,
 * sometimes a share. The same seed and start give the same events.
 */
public final class TrafficGenerator {
    static final long DAY_MS = 86_400_000L;
    private static final String[] CHANNELS = {"app", "web", "mini_program", "store", "qr"};
    private static final double[] CHANNEL_WEIGHTS = {0.35, 0.25, 0.20, 0.12, 0.08};
    private static final String[] PAGES = {"/home", "/search", "/category/shoes", "/category/tea", "/item", "/cart", "/profile"};

    private final Random random;
    private final double newUsersPerDay;
    private final PriorityQueue<Session> sessions = new PriorityQueue<>();
    private final PriorityQueue<Timed> events = new PriorityQueue<>();
    private long nextArrival;
    private long users;
    private long sequence;

    private static final class User {
        final String id;
        final Persona persona;
        final String homeChannel;
        long stintEnd;

        User(String id, Persona persona, String homeChannel) {
            this.id = id;
            this.persona = persona;
            this.homeChannel = homeChannel;
        }
    }

    private record Session(long at, long seq, User user) implements Comparable<Session> {
        @Override
        public int compareTo(Session o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private record Timed(long at, long seq, PulseEvent event) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    /**
     * @param seed makes the traffic reproducible
     * @param startMillis event time of the first arrivals
     * @param newUsersPerDay mean arrivals of new users per day of event time
     */
    public TrafficGenerator(long seed, long startMillis, double newUsersPerDay) {
        this.random = new Random(seed);
        this.newUsersPerDay = newUsersPerDay;
        this.nextArrival = startMillis;
    }

    /** Event time of the next event. */
    public long peekTime() {
        fill();
        return events.peek().at();
    }

    /** The next event in event-time order (the stream never ends). */
    public PulseEvent next() {
        fill();
        return events.poll().event();
    }

    public long usersCreated() {
        return users;
    }

    /** Generates sessions until the earliest queued event cannot be preceded by one not yet generated. */
    private void fill() {
        while (events.isEmpty() || events.peek().at() >= nextSessionStart()) {
            if (nextArrival <= (sessions.isEmpty() ? Long.MAX_VALUE : sessions.peek().at())) {
                arrive();
            } else {
                runSession(sessions.poll());
            }
        }
    }

    private long nextSessionStart() {
        return Math.min(nextArrival, sessions.isEmpty() ? Long.MAX_VALUE : sessions.peek().at());
    }

    private void arrive() {
        User user = new User(String.format("u-%06d", ++users), pickPersona(), pick(CHANNELS, CHANNEL_WEIGHTS));
        user.stintEnd = nextArrival + days(exponential(user.persona.meanStintDays()));
        sessions.add(new Session(nextArrival, sequence++, user));
        nextArrival += days(exponential(1.0 / newUsersPerDay));
    }

    private void runSession(Session session) {
        User user = session.user();
        long t = session.at();
        String channel = random.nextDouble() < 0.8 ? user.homeChannel : pick(CHANNELS, CHANNEL_WEIGHTS);
        boolean offline = channel.equals("store");
        int clicks = offline ? random.nextInt(2) : 1 + geometric(0.35);
        for (int i = 0; i < clicks; i++) {
            emit(click(user, t, channel));
            t += 10_000 + random.nextInt(110_000);
        }
        if (random.nextDouble() < (offline ? 0.8 : user.persona.purchaseProbability())) {
            emit(purchase(user, t, channel, offline));
            t += 5_000;
        }
        if (random.nextDouble() < user.persona.shareProbability()) {
            emit(share(user, t, channel));
        }
        scheduleNext(user, session.at());
    }

    /** The next session follows the persona's rhythm; past the stint the user lapses and may return. */
    private void scheduleNext(User user, long last) {
        // Gamma(4) gaps: a steady rhythm with some spread, so breaking it stands out.
        double gapDays = user.persona.meanGapDays() * (exponential(1) + exponential(1) + exponential(1) + exponential(1)) / 4;
        long next = last + Math.max(600_000L, days(gapDays));
        if (next > user.stintEnd) {
            if (random.nextDouble() >= user.persona.returnProbability()) {
                return; // gone for good: will churn
            }
            next = user.stintEnd + days(35 + random.nextDouble() * 115);
            user.stintEnd = next + days(exponential(user.persona.meanStintDays()));
        }
        sessions.add(new Session(next, sequence++, user));
    }

    private PulseEvent click(User user, long t, String channel) {
        PulseEvent e = base(EventType.CLICK, user, t, channel);
        e.page = channel.equals("qr") ? "/qr/landing" : PAGES[random.nextInt(PAGES.length)];
        if (random.nextDouble() < 0.3) {
            e.itemId = "i-" + random.nextInt(500);
        }
        return e;
    }

    private PulseEvent purchase(User user, long t, String channel, boolean offline) {
        PulseEvent e = base(EventType.PURCHASE, user, t, channel);
        e.orderId = "o-" + sequence;
        // Order values are log-normal around CNY 100.
        e.amountMinor = Math.max(100, Math.round(Math.exp(Math.log(10_000) + 0.7 * random.nextGaussian())));
        e.valueMinor = e.amountMinor;
        e.currency = "CNY";
        if (offline) {
            e.storeId = "store-" + (1 + random.nextInt(20));
        }
        return e;
    }

    private PulseEvent share(User user, long t, String channel) {
        PulseEvent e = base(EventType.SHARE, user, t, channel);
        e.shareId = "sh-" + sequence;
        e.itemId = random.nextBoolean() ? "i-" + random.nextInt(500) : null;
        e.target = random.nextBoolean() ? "wechat_moments" : "group_chat";
        return e;
    }

    private PulseEvent base(EventType type, User user, long t, String channel) {
        PulseEvent e = new PulseEvent();
        e.type = type;
        e.eventId = type.word().charAt(0) + "-" + (sequence++);
        e.userId = user.id;
        e.eventTime = t;
        e.channel = channel;
        return e;
    }

    private void emit(PulseEvent e) {
        events.add(new Timed(e.eventTime, sequence++, e));
    }

    private Persona pickPersona() {
        double r = random.nextDouble();
        for (Persona p : Persona.ALL) {
            r -= p.weight();
            if (r < 0) {
                return p;
            }
        }
        return Persona.ALL[Persona.ALL.length - 1];
    }

    private String pick(String[] values, double[] weights) {
        double r = random.nextDouble();
        for (int i = 0; i < values.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private int geometric(double p) {
        int n = 0;
        while (random.nextDouble() > p && n < 30) {
            n++;
        }
        return n;
    }

    private static long days(double d) {
        return Math.round(d * DAY_MS);
    }
}
