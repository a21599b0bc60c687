package io.customerpulse.retention;

/**
 * The Gaussian hypergeometric function 2F1(a, b; c; z) for real arguments and 0 &lt;= z &lt; 1,
 * by its power series. Commons Math has no 2F1; the series is short and exact enough here.
 */
public final class Hypergeometric {
    private static final int MAX_TERMS = 100_000;
    private static final double TOLERANCE = 1e-16;

    private Hypergeometric() {}

    /**
     * 2F1(a, b; c; z) = sum over n of (a)_n (b)_n / (c)_n * z^n / n!, for 0 &lt;= z &lt; 1 and c not
     * a non-positive integer.
     */
    public static double hyp2f1(double a, double b, double c, double z) {
        if (!(z >= 0 && z < 1)) {
            throw new IllegalArgumentException("2F1 series needs 0 <= z < 1, got " + z);
        }
        if (c <= 0 && c == Math.rint(c)) {
            throw new IllegalArgumentException("2F1 undefined for c = " + c);
        }
        double term = 1.0;
        double sum = 1.0;
        for (int n = 0; n < MAX_TERMS; n++) {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            if (Math.abs(term) <= TOLERANCE * Math.abs(sum)) {
                return sum;
            }
        }
        throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
    }
}
