package io.customerpulse.retention;

import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.special.Gamma;

import java.util.List;

/**
 * Maximum-likelihood BG/NBD parameters over customers' (x, t_x, T), the repeat-purchase summary
 * of {@code lifetimes}. The optimiser is Commons Math's Nelder-Mead simplex over the logarithms
 * of (r, alpha, a, b), which keeps them positive, restarted from its own optimum until the
 * log-likelihood stops improving.
 */
public final class BgNbdFitter {

    public record Customer(int x, double tx, double age) {}

    public record Fit(BgNbdParameters parameters, double logLikelihood, int customers) {}

    private BgNbdFitter() {}

    /**
     * One customer's log-likelihood (Fader, Hardie and Lee 2005, eq. 6, in log form):
     * ln[B(a,b+x)/B(a,b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
     *    + [x&gt;0] B(a+1,b+x-1)/B(a,b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x))].
     */
    public static double logLikelihood(BgNbdParameters p, Customer c) {
        return logLikelihood(p.r(), p.alpha(), p.a(), p.b(), c);
    }

    static double logLikelihood(double r, double alpha, double a, double b, Customer c) {
        double a1 = Gamma.logGamma(r + c.x()) - Gamma.logGamma(r) + r * Math.log(alpha);
        double a2 = Gamma.logGamma(a + b) + Gamma.logGamma(b + c.x()) - Gamma.logGamma(b) - Gamma.logGamma(a + b + c.x());
        double a3 = -(r + c.x()) * Math.log(alpha + c.age());
        if (c.x() == 0) {
            return a1 + a2 + a3;
        }
        double a4 = Math.log(a) - Math.log(b + c.x() - 1) - (r + c.x()) * Math.log(alpha + c.tx());
        double max = Math.max(a3, a4);
        return a1 + a2 + max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
    }

    public static double logLikelihood(BgNbdParameters p, List<Customer> customers) {
        double sum = 0;
        for (Customer c : customers) {
            sum += logLikelihood(p, c);
        }
        return sum;
    }

    public static Fit fit(List<Customer> customers) {
        if (customers.isEmpty()) {
            throw new IllegalArgumentException("No customers to fit");
        }
        MultivariateFunction objective = logs -> {
            double r = Math.exp(logs[0]);
            double alpha = Math.exp(logs[1]);
            double a = Math.exp(logs[2]);
            double b = Math.exp(logs[3]);
            double ll = 0;
            for (Customer c : customers) {
                ll += logLikelihood(r, alpha, a, b, c);
            }
            return Double.isFinite(ll) ? ll : Double.NEGATIVE_INFINITY;
        };
        SimplexOptimizer optimizer = new SimplexOptimizer(1e-12, 1e-12);
        double[] start = {0, 0, 0, 0};
        PointValuePair best = null;
        for (int round = 0; round < 20; round++) {
            PointValuePair found = optimizer.optimize(
                    new MaxEval(20_000),
                    new ObjectiveFunction(objective),
                    GoalType.MAXIMIZE,
                    new InitialGuess(start),
                    new NelderMeadSimplex(4, 0.5));
            boolean improved = best == null || found.getValue() > best.getValue() + 1e-9;
            if (best == null || found.getValue() > best.getValue()) {
                best = found;
            }
            if (!improved) {
                break;
            }
            start = best.getPoint();
        }
        double[] logs = best.getPoint();
        BgNbdParameters params = new BgNbdParameters(Math.exp(logs[0]), Math.exp(logs[1]), Math.exp(logs[2]),
                Math.exp(logs[3]));
        return new Fit(params, best.getValue(), customers.size());
    }
}
