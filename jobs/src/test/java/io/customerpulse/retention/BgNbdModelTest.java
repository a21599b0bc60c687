package io.customerpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checked against the BG/NBD paper (Fader, Hardie and Lee 2005) and against values computed
 * independently with the literal formulas and a 60-digit direct 2F1 series (Python decimal, no
 * Euler transformation; script in the test's comments below).
 */
class BgNbdModelTest {
    private static final BgNbdParameters WEEKS = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
    private final BgNbdModel days = new BgNbdModel(BgNbdParameters.CDNOW_PUBLISHED_DAYS);

    @Test
    void reproducesThePapersWorkedExample() {
        // x = 2, t_x = 30.43, T = 38.86 weeks: 1.226 expected purchases in the next 39 weeks.
        BgNbdModel model = new BgNbdModel(WEEKS);
        assertThat(model.expectedPurchases(39, 2, 30.43, 38.86)).isCloseTo(1.226, within(0.0005));
        assertThat(model.expectedPurchases(39, 2, 30.43, 38.86)).isCloseTo(1.226028174767144, within(1e-12));
        assertThat(model.probabilityAlive(2, 30.43, 38.86)).isCloseTo(0.7265785700806729, within(1e-13));
    }

    @Test
    void publishedCdnowAlphaInDaysIsSevenTimesWeeks() {
        assertThat(BgNbdParameters.CDNOW_PUBLISHED_DAYS.alpha()).isCloseTo(4.414 * 7, within(1e-9));
    }

    /*
     * Reference (python3, decimal precision 60):
     *   p_alive = 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x))  (1 for x = 0)
     *   e30 = (a+b+x-1)/(a-1) * (1 - ((alpha+T)/(alpha+T+30))^(r+x) * 2F1(r+x, b+x; a+b+x-1; 30/(alpha+T+30))) / den
     */
    @ParameterizedTest(name = "x={0} t_x={1} T={2}")
    @CsvSource({
        "0, 0, 0, 1.0, 0.208608063240297057919",
        "0, 0, 100, 1.0, 0.0538676308264428949024",
        "1, 10, 40, 0.606906123425240190916, 0.294480006386418504283",
        "3, 60, 200, 0.213522866885221284222, 0.0869736341793536338873",
        "10, 300, 320, 0.887625097474908378170, 0.755841494347645849096",
        "40, 400, 410, 0.954024455702083156740, 2.54760291222461694017",
        "5, 20, 300, 0.000442538208132324671912, 0.000204846240033031109064",
        "700, 730, 731, 0.997172037128470726279, 27.0760725262249498722",
    })
    void matchesIndependentHighPrecisionValuesInDays(int x, double tx, double age, double pAlive, double e30) {
        assertThat(days.probabilityAlive(x, tx, age)).isCloseTo(pAlive, within(1e-12 * Math.max(1, pAlive)));
        assertThat(days.expectedPurchases(30, x, tx, age)).isCloseTo(e30, within(1e-10 * Math.max(1, e30)));
    }

    @Test
    void moreRecentBuyersAreMoreLikelyAlive() {
        assertThat(days.probabilityAlive(5, 200, 210)).isGreaterThan(days.probabilityAlive(5, 100, 210));
    }
}
