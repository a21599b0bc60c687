package io.customerpulse.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.events.EventType;
import io.customerpulse.events.PulseEvent;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * frequency, recency_days and age_days follow the lifetimes library's definitions: on the real
 * CDNOW sample up to 1997-09-30 they reproduce the published calibration summary
 * (cdnow_customers_summary.csv, recency and T in weeks) for every one of the 2,357 customers.
 */
class CdnowLifetimesInputsTest {
    private static final long CALIBRATION_END =
            LocalDate.of(1997, 9, 30).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();

    record Summary(int frequency, double recencyWeeks, double ageWeeks) {}

    @Test
    void matchesThePublishedCalibrationSummary() throws IOException {
        Map<String, List<PulseEvent>> purchases = readSample();
        Map<String, Summary> published = readSummary();
        assertThat(purchases).hasSize(2357);
        assertThat(published).hasSize(2357);

        RetentionCalculator calculator = new RetentionCalculator(RetentionSettings.defaults());
        RetentionCalculator.Output ignore = new RetentionCalculator.Output() {
            @Override
            public void transition(StatusTransition transition) {}

            @Override
            public void cohortActivity(CohortActivity activity) {}
        };
        int compared = 0;
        for (Map.Entry<String, List<PulseEvent>> customer : purchases.entrySet()) {
            UserRetentionState state = new UserRetentionState();
            for (PulseEvent p : customer.getValue()) {
                if (p.eventTime <= CALIBRATION_END) {
                    calculator.apply(state, p, ignore);
                }
            }
            calculator.advanceTo(customer.getKey(), state, CALIBRATION_END, ignore);
            UserRetentionRow row = calculator.row(customer.getKey(), state, CALIBRATION_END);
            Summary expected = published.get(customer.getKey());
            assertThat(row.frequency).as("frequency of %s", customer.getKey()).isEqualTo(expected.frequency());
            assertThat(Math.round(row.recencyDays / 7.0 * 100) / 100.0).as("recency of %s", customer.getKey())
                    .isEqualTo(expected.recencyWeeks());
            assertThat(Math.round(row.ageDays / 7.0 * 100) / 100.0).as("T of %s", customer.getKey())
                    .isEqualTo(expected.ageWeeks());
            compared++;
        }
        assertThat(compared).isEqualTo(2357);
    }

    /** Sample id -> purchases in date order (several on one day stay separate purchases). */
    private static Map<String, List<PulseEvent>> readSample() throws IOException {
        Map<String, List<PulseEvent>> bySample = new TreeMap<>();
        DateTimeFormatter yyyymmdd = DateTimeFormatter.BASIC_ISO_DATE;
        int line = 0;
        for (String row : lines("cdnow/CDNOW_sample.txt")) {
            String[] f = row.strip().split("\\s+");
            PulseEvent p = new PulseEvent();
            p.type = EventType.PURCHASE;
            p.userId = Integer.toString(Integer.parseInt(f[1]));
            p.eventId = "cdnow-" + line++;
            p.eventTime = LocalDate.parse(f[2], yyyymmdd).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            p.channel = "web";
            p.valueMinor = Math.round(Double.parseDouble(f[4]) * 100);
            bySample.computeIfAbsent(p.userId, k -> new ArrayList<>()).add(p);
        }
        bySample.values().forEach(list -> list.sort(java.util.Comparator.comparingLong(e -> e.eventTime)));
        return bySample;
    }

    private static Map<String, Summary> readSummary() throws IOException {
        Map<String, Summary> summary = new HashMap<>();
        List<String> rows = lines("cdnow/cdnow_customers_summary.csv");
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            summary.put(f[0], new Summary(Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])));
        }
        return summary;
    }

    private static List<String> lines(String resource) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                CdnowLifetimesInputsTest.class.getClassLoader().getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
