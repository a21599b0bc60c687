package io.customerpulse.retention;

import java.io.Serializable;

/**
 * Parameters of the BG/NBD model (Fader, Hardie and Lee 2005). Purchase rates are
 * Gamma(r, alpha) distributed, drop-out probabilities Beta(a, b). alpha carries the time unit:
 * the jobs measure time in days, so alpha is in days.
 */
public record BgNbdParameters(double r, double alpha, double a, double b) implements Serializable {

    /** The published CDNOW fit, r 0.243, alpha 4.414 weeks, a 0.793, b 2.426, with alpha in days. */
    public static final BgNbdParameters CDNOW_PUBLISHED_DAYS = new BgNbdParameters(0.243, 30.898, 0.793, 2.426);

    public BgNbdParameters {
        if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
            throw new IllegalArgumentException("BG/NBD parameters must be positive: " + r + ", " + alpha + ", " + a + ", " + b);
        }
        if (Math.abs(a - 1) < 1e-9) {
            // E[Y(t)] divides by (a - 1); a fitted model never lands exactly on 1.
            throw new IllegalArgumentException("BG/NBD parameter a must differ from 1");
        }
    }
}
