package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.customerpulse.sink.JdbcTarget;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real CDNOW sample through ./pulse backfill up to the end of the calibration period: every
 * customer's frequency, recency and age match the published summary, and ./pulse fit-model
 * reproduces the published BG/NBD fit (in days: alpha 30.898, log-likelihood -14363.5).
 */
class CdnowBackfillAndFitTest {
    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(1);

    @Test
    void backfillThenFitReproducesThePublishedResults() throws Exception {
        Path history = STACK.directory("cdnow").resolve("cdnow.jsonl");
        List<String> lines = new ArrayList<>();
        int n = 0;
        for (String row : resource("cdnow/CDNOW_sample.txt")) {
            String[] f = row.strip().split("\\s+");
            String day = LocalDate.parse(f[2], java.time.format.DateTimeFormatter.BASIC_ISO_DATE) + "T00:00:00Z";
            lines.add(String.format("{\"type\":\"purchase\",\"event_id\":\"cdnow-%d\",\"user_id\":\"%d\",\"event_time\":\"%s\","
                    + "\"channel\":\"web\",\"order_id\":\"o-%d\",\"amount\":\"%s\",\"currency\":\"USD\"}",
                    n, Integer.parseInt(f[1]), day, n, f[4]));
            n++;
        }
        Files.write(history, lines);

        LocalPostgres pg = STACK.postgres();
        String url = pg.createDatabase("cdnow");
        BackfillCommand backfill = new BackfillCommand();
        backfill.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        new CommandLine(backfill).parseArgs("--input", history.toString(), "--as-of", "1997-09-30T00:00:00Z",
                "--reporting-currency", "USD", "--only", "retention", "--jdbc-url", url, "--jdbc-user", LocalPostgres.APP_USER,
                "--dead-letters", STACK.directory("cdnow-dead-letters").toString());
        backfill.jdbc.password = pg.appTarget().password();
        assertThat(backfill.call()).isZero();

        JdbcTarget db = new JdbcTarget(url, LocalPostgres.APP_USER, pg.appTarget().password());
        Map<String, String> stored = new HashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT user_id, frequency, recency_days, age_days, as_of FROM user_retention")) {
            while (rs.next()) {
                assertThat(rs.getObject(5, java.time.OffsetDateTime.class).toInstant())
                        .isEqualTo(java.time.Instant.parse("1997-09-30T00:00:00Z"));
                stored.put(rs.getString(1), rs.getInt(2) + "," + round2(rs.getInt(3) / 7.0) + "," + round2(rs.getInt(4) / 7.0));
            }
        }
        Map<String, String> published = new HashMap<>();
        List<String> summary = resource("cdnow/cdnow_customers_summary.csv");
        for (String row : summary.subList(1, summary.size())) {
            String[] f = row.split(",");
            published.put(f[0], f[1] + "," + Double.parseDouble(f[2]) + "," + Double.parseDouble(f[3]));
        }
        assertThat(stored).hasSize(2357).containsExactlyInAnyOrderEntriesOf(published);

        FitModelCommand fit = new FitModelCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        fit.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        new CommandLine(fit).parseArgs("--jdbc-url", url, "--jdbc-user", LocalPostgres.APP_USER);
        fit.jdbc.password = pg.appTarget().password();
        assertThat(fit.call()).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("2,357 customers");
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT r, alpha_days, a, b, log_likelihood, customers, as_of FROM model_params")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble("r")).isCloseTo(0.243, within(0.0006));
            assertThat(rs.getDouble("alpha_days") / 7).isCloseTo(4.414, within(0.0006));
            assertThat(rs.getDouble("a")).isCloseTo(0.793, within(0.0006));
            assertThat(rs.getDouble("b")).isCloseTo(2.426, within(0.0006));
            assertThat(rs.getDouble("log_likelihood")).isCloseTo(-14363.5, within(0.05));
            assertThat(rs.getInt("customers")).isEqualTo(2357);
        }

        // The first purchases are on 1997-01-01: at the end of 1996 there is nobody to fit.
        FitModelCommand tooEarly = new FitModelCommand();
        tooEarly.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        new CommandLine(tooEarly).parseArgs("--jdbc-url", url, "--jdbc-user", LocalPostgres.APP_USER,
                "--as-of", "1996-12-31T23:59:59Z");
        tooEarly.jdbc.password = pg.appTarget().password();
        assertThatThrownBy(tooEarly::call).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No customer in user_retention had bought by --as-of 1996-12-31T23:59:59Z: nothing to fit");
        assertThat(Tables.dump(db, "SELECT count(*) FROM model_params")).containsExactly("1");
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static List<String> resource(String name) throws Exception {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                CdnowBackfillAndFitTest.class.getClassLoader().getResourceAsStream(name), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
