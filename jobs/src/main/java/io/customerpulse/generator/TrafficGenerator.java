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
 * sometimes a share.
 *
 * <p>Word of mouth: almost half of the new users arrive through someone's share, chosen by the
 * sharer's influence, so a few opinion leaders grow wide, deep cascades while most sharers reach
 * one or two people; friends often click a share within minutes of it; existing users click
 * shares too and sometimes buy through them; shares made in stores are QR codes. A few clicks
 * are self-referrals or carry share ids nobody shared, a few shares carry a clock running
 * minutes ahead, and a few pass on another user's link under its share_id (owner conflicts).
 * The same seed and start give the same events.
 */
public final class TrafficGenerator {
    static final long DAY_MS = 86_400_000L;
    private static final String[] CHANNELS = {"app", "web", "mini_program", "store", "qr"};
    private static final double[] CHANNEL_WEIGHTS = {0.35, 0.25, 0.20, 0.12, 0.08};
    private static final String[] PAGES = {"/home", "/search", "/category/shoes", "/category/tea", "/item", "/cart", "/profile"};
    /** Share of new users who arrive through a share. */
    private static final double REFERRED_ARRIVALS = 0.45;
    /** Share of users who are opinion leaders, and how much more their shares attract. */
    private static final double INFLUENCERS = 0.03;
    private static final double INFLUENCER_WEIGHT = 60;
    /** Chance that a share brings a friend within minutes (a group chat). */
    private static final double INSTANT_FRIEND = 0.3;
    /** Chance that a session of an existing user starts from someone's share. */
    private static final double SESSION_VIA_SHARE = 0.08;
    private static final double SELF_REFERRAL = 0.01;
    private static final double UNKNOWN_SHARE = 0.002;
    private static final double SKEWED_SHARE_CLOCK = 0.02;
    /**
     * Chance that a share passes on someone else's link: the app records it as a share of the
     * forwarder's with the original share_id, which the reach job refuses as an owner conflict.
     */
    private static final double FORWARDED_SHARE = 0.005;
    private static final long RECENT_SHARE_MS = 14 * DAY_MS;
    private static final int RECENT_SHARE_LIMIT = 4096;

    private final Random random;
    private final double newUsersPerDay;
    private final PriorityQueue<Session> sessions = new PriorityQueue<>();
    private final PriorityQueue<Timed> events = new PriorityQueue<>();
    /** Recent shares, oldest first, that new and existing users may come through. */
    private final java.util.ArrayDeque<ShareRef> recentShares = new java.util.ArrayDeque<>();
    private long nextArrival;
    private long users;
    private long sequence;

    private static final class User {
        final String id;
        final Persona persona;
        final String homeChannel;
        final double influence;
        long stintEnd;
        /** A share of their own they will click next session (a self-referral), if any. */
        String ownShareToClick;

        User(String id, Persona persona, String homeChannel, double influence) {
            this.id = id;
            this.persona = persona;
            this.homeChannel = homeChannel;
            this.influence = influence;
        }
    }

    private record ShareRef(String shareId, String owner, long at, double weight) {}

    /** A session, possibly started from a share (its first click carries it). */
    private record Session(long at, long seq, User user, String viaShare) implements Comparable<Session> {
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
        String via = random.nextDouble() < REFERRED_ARRIVALS ? pickRecentShare(nextArrival) : null;
        startUser(nextArrival, via);
        nextArrival += days(exponential(1.0 / newUsersPerDay));
    }

    private User startUser(long at, String viaShare) {
        double influence = random.nextDouble() < INFLUENCERS ? INFLUENCER_WEIGHT : 1;
        User user = new User(String.format("u-%06d", ++users), pickPersona(), pick(CHANNELS, CHANNEL_WEIGHTS), influence);
        user.stintEnd = at + days(exponential(user.persona.meanStintDays()));
        sessions.add(new Session(at, sequence++, user, viaShare));
        return user;
    }

    /** A share created before {@code at} within the last two weeks, chosen by its owner's influence. */
    private String pickRecentShare(long at) {
        while (!recentShares.isEmpty() && recentShares.peekFirst().at() < at - RECENT_SHARE_MS) {
            recentShares.pollFirst();
        }
        double total = 0;
        for (ShareRef s : recentShares) {
            if (s.at() <= at) {
                total += s.weight();
            }
        }
        if (total == 0) {
            return null;
        }
        double r = random.nextDouble() * total;
        for (ShareRef s : recentShares) {
            if (s.at() <= at) {
                r -= s.weight();
                if (r < 0) {
                    return s.shareId();
                }
            }
        }
        return null;
    }

    private void runSession(Session session) {
        User user = session.user();
        long t = session.at();
        String channel = random.nextDouble() < 0.8 ? user.homeChannel : pick(CHANNELS, CHANNEL_WEIGHTS);
        String via = session.viaShare();
        if (via == null && user.ownShareToClick != null) {
            via = user.ownShareToClick; // a self-referral: ignored by word of mouth, still activity
            user.ownShareToClick = null;
        } else if (via == null && random.nextDouble() < SESSION_VIA_SHARE) {
            via = pickRecentShare(t);
        }
        if (via == null && random.nextDouble() < UNKNOWN_SHARE) {
            via = "sh-unknown-" + sequence; // a link from a campaign nobody recorded
        }
        boolean offline = channel.equals("store");
        int clicks = offline && via == null ? random.nextInt(2) : 1 + geometric(0.35);
        for (int i = 0; i < clicks; i++) {
            PulseEvent click = click(user, t, channel);
            if (i == 0) {
                click.shareId = via;
            }
            emit(click);
            t += 10_000 + random.nextInt(110_000);
        }
        if (random.nextDouble() < (offline ? 0.8 : user.persona.purchaseProbability())) {
            PulseEvent purchase = purchase(user, t, channel, offline);
            if (via != null && random.nextBoolean()) {
                purchase.shareId = via;
            }
            emit(purchase);
            t += 5_000;
        }
        if (random.nextDouble() < user.persona.shareProbability() * (user.influence > 1 ? 4 : 1)) {
            share(user, t, channel);
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
        sessions.add(new Session(next, sequence++, user, null));
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

    /** A share (a QR code when made offline), and maybe a friend who clicks it within minutes. */
    private void share(User user, long t, String channel) {
        boolean offline = channel.equals("store") || channel.equals("qr");
        // A few devices' clocks run ahead: the share event claims a time minutes after the clicks it causes.
        long claimed = random.nextDouble() < SKEWED_SHARE_CLOCK ? t + 300_000 : t;
        PulseEvent e = base(EventType.SHARE, user, claimed, offline ? "qr" : channel);
        if (random.nextDouble() < FORWARDED_SHARE) {
            ShareRef original = recentShares.peekLast();
            if (original != null && !original.owner().equals(user.id)) {
                e.shareId = original.shareId();
                e.target = "group_chat";
                emit(e);
                return;
            }
        }
        e.shareId = "sh-" + sequence;
        e.itemId = random.nextBoolean() ? "i-" + random.nextInt(500) : null;
        e.target = offline ? "poster" : random.nextBoolean() ? "wechat_moments" : "group_chat";
        emit(e);
        recentShares.addLast(new ShareRef(e.shareId, user.id, t, user.influence));
        if (recentShares.size() > RECENT_SHARE_LIMIT) {
            recentShares.pollFirst();
        }
        if (random.nextDouble() < INSTANT_FRIEND) {
            startUser(t + 30_000 + random.nextInt(150_000), e.shareId);
        }
        if (random.nextDouble() < SELF_REFERRAL) {
            user.ownShareToClick = e.shareId;
        }
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
