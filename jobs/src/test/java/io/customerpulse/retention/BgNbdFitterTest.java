package io.customerpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fit reproduces the published BG/NBD results on the CDNOW calibration sample (Fader, Hardie
 * and Lee 2005): r 0.243, alpha 4.414, a 0.793, b 2.426, log-likelihood -9582.4 with time in
 * weeks; in days alpha is 7 times larger and the log-likelihood lower by ln 7 per repeat purchase
 * (-14363.5).
 */
class BgNbdFitterTest {

    static List<BgNbdFitter.Customer> cdnowSummary(double unitsPerWeek) throws IOException {
        List<BgNbdFitter.Customer> customers = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                BgNbdFitterTest.class.getClassLoader().getResourceAsStream("cdnow/cdnow_customers_summary.csv"),
                StandardCharsets.UTF_8))) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",");
                customers.add(new BgNbdFitter.Customer(Integer.parseInt(f[1]),
                        Double.parseDouble(f[2]) * unitsPerWeek, Double.parseDouble(f[3]) * unitsPerWeek));
            }
        }
        return customers;
    }

    @Test
    void reproducesThePublishedFitInWeeks() throws IOException {
        BgNbdFitter.Fit fit = BgNbdFitter.fit(cdnowSummary(1));
        assertThat(fit.customers()).isEqualTo(2357);
        assertThat(fit.parameters().r()).isCloseTo(0.243, within(0.0006));
        assertThat(fit.parameters().alpha()).isCloseTo(4.414, within(0.0006));
        assertThat(fit.parameters().a()).isCloseTo(0.793, within(0.0006));
        assertThat(fit.parameters().b()).isCloseTo(2.426, within(0.0006));
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.05));
    }

    @Test
    void inDaysAlphaScalesAndTheLikelihoodDropsByLnSevenPerRepeatPurchase() throws IOException {
        List<BgNbdFitter.Customer> days = cdnowSummary(7);
        BgNbdFitter.Fit fit = BgNbdFitter.fit(days);
        assertThat(fit.parameters().alpha()).isCloseTo(4.414 * 7, within(0.005));
        assertThat(fit.parameters().r()).isCloseTo(0.243, within(0.0006));
        assertThat(fit.logLikelihood()).isCloseTo(-14363.5, within(0.05));
        long repeatPurchases = days.stream().mapToLong(BgNbdFitter.Customer::x).sum();
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4 - repeatPurchases * Math.log(7), within(0.05));
    }

    @Test
    void thePublishedParametersAreTheOptimum() throws IOException {
        List<BgNbdFitter.Customer> weeks = cdnowSummary(1);
        double published = BgNbdFitter.logLikelihood(new BgNbdParameters(0.243, 4.414, 0.793, 2.426), weeks);
        assertThat(published).isCloseTo(-9582.4, within(0.1));
        assertThat(BgNbdFitter.logLikelihood(new BgNbdParameters(0.3, 4.414, 0.793, 2.426), weeks)).isLessThan(published);
        assertThat(BgNbdFitter.logLikelihood(new BgNbdParameters(0.243, 4.414, 0.9, 2.426), weeks)).isLessThan(published);
    }
}
