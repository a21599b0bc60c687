package io.customerpulse.events;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Revenue is reported in one currency. A purchase in that currency counts as sent; a purchase in
 * another currency is converted with a fixed configured rate (units of the reporting currency per
 * unit of the other), rounded half-even to the cent. A currency without a rate cannot be summed
 * honestly, so such purchases are refused (dead letter {@code unknown_currency}) rather than
 * added at face value.
 */
public final class CurrencyConverter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String reportingCurrency;
    private final TreeMap<String, BigDecimal> rates;

    public CurrencyConverter(String reportingCurrency, Map<String, BigDecimal> rates) {
        this.reportingCurrency = reportingCurrency.toUpperCase(java.util.Locale.ROOT);
        this.rates = new TreeMap<>();
        rates.forEach((code, rate) -> {
            if (rate.signum() <= 0) {
                throw new IllegalArgumentException("Rate for " + code + " must be positive: " + rate);
            }
            this.rates.put(code.toUpperCase(java.util.Locale.ROOT), rate);
        });
    }

    public String reportingCurrency() {
        return reportingCurrency;
    }

    public Map<String, BigDecimal> rates() {
        return java.util.Collections.unmodifiableMap(rates);
    }

    /** The amount in the reporting currency's minor units, or empty if the currency has no rate. */
    public OptionalLong toReporting(long amountMinor, String currency) {
        if (reportingCurrency.equals(currency)) {
            return OptionalLong.of(amountMinor);
        }
        BigDecimal rate = currency == null ? null : rates.get(currency);
        if (rate == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(BigDecimal.valueOf(amountMinor).multiply(rate)
                .setScale(0, RoundingMode.HALF_EVEN).longValueExact());
    }
}
