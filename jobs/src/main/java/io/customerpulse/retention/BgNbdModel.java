package io.customerpulse.retention;

import java.io.Serializable;

/**
 * BG/NBD per-customer figures from the repeat-purchase summary (x, t_x, T) as the
 * {@code lifetimes} library defines it: x repeat purchase days, t_x the age at the last purchase
 * day, T the age at the evaluation day, all measured from the first purchase day, in the unit of
 * alpha (days in the jobs).
 */
public final class BgNbdModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final BgNbdParameters p;

    public BgNbdModel(BgNbdParameters parameters) {
        this.p = parameters;
    }

    public BgNbdParameters parameters() {
        return p;
    }

    /**
     * P(alive | x, t_x, T) = 1 / (1 + [x &gt; 0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)).
     */
    public double probabilityAlive(int x, double tx, double age) {
        if (x == 0) {
            return 1.0;
        }
        return 1.0 / (1.0 + deathOdds(x, tx, age));
    }

    /**
     * E[Y(t) | x, t_x, T], the expected number of purchases in the next {@code t}:
     *
     * <pre>
     * (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
     *   / (1 + [x&gt;0] * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x))
     * </pre>
     *
     * <p>For a frequent buyer (large x) the 2F1 factor grows like (1-z)^-x while the power in front
     * shrinks like (1-z)^x: evaluated literally both overflow. Euler's transformation
     * 2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) cancels them exactly, leaving
     * (1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z), whose series converges in a few terms for any x.
     */
    public double expectedPurchases(double t, int x, double tx, double age) {
        double z = t / (p.alpha() + age + t);
        double oneMinusZ = (p.alpha() + age) / (p.alpha() + age + t);
        double hyp = Hypergeometric.hyp2f1(p.a() + p.b() - 1 - p.r(), p.a() - 1, p.a() + p.b() + x - 1, z);
        double bracket = 1 - StrictMath.pow(oneMinusZ, p.a() - 1) * hyp;
        double numerator = (p.a() + p.b() + x - 1) / (p.a() - 1) * bracket;
        double denominator = 1 + (x > 0 ? deathOdds(x, tx, age) : 0);
        return numerator / denominator;
    }

    private double deathOdds(int x, double tx, double age) {
        return p.a() / (p.b() + x - 1) * StrictMath.pow((p.alpha() + age) / (p.alpha() + tx), p.r() + x);
    }
}
