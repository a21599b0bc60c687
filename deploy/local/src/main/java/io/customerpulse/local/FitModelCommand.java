package io.customerpulse.local;

import io.customerpulse.cli.Converters;
import io.customerpulse.cli.JdbcOptions;
import io.customerpulse.retention.BgNbdFitter;
import io.customerpulse.retention.ModelStore;
import io.customerpulse.sink.JdbcTarget;
import io.customerpulse.sink.ServingSchema;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./pulse fit-model}: BG/NBD parameters by maximum likelihood over every customer in
 * user_retention, stored in model_params, where the live retention job picks them up.
 */
@Command(name = "fit-model", mixinStandardHelpOptions = true, sortOptions = false, version = "Customer Pulse 0.1.0",
        description = {"Fits the BG/NBD model (r, alpha in days, a, b) to user_retention and stores it in model_params.",
            "The fit maximises the likelihood over every customer's (frequency, recency, age); model_params keeps it with "
                + "the fit time, the number of customers and the total log-likelihood. The live retention job picks it up "
                + "without a restart.",
            "Without --jdbc-url it uses the local cluster's PostgreSQL while that runs, else the local embedded one; "
                + "the password comes from PULSE_JDBC_PASSWORD."})
public final class FitModelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--as-of", paramLabel = "<ISO-8601 instant>", converter = Converters.InstantConverter.class,
            description = "Measure customers' ages at this instant. Default: the newest as_of in user_retention.")
    Instant asOf;

    @Option(names = "--time-zone", defaultValue = "UTC", converter = Converters.ZoneConverter.class,
            description = "Zone of calendar days, as the retention job uses. Default: ${DEFAULT-VALUE}.")
    ZoneId timeZone;

    @Mixin JdbcOptions jdbc = new JdbcOptions();

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        boolean embedded = !spec.commandLine().getParseResult().hasMatchedOption("--jdbc-url");
        DefaultServingStore store = embedded ? DefaultServingStore.open() : null;
        try {
            JdbcTarget target = embedded ? store.target() : jdbc.target();
            if (jdbc.createSchema) {
                ServingSchema.ensure(target);
            }
            Instant at = asOf != null ? asOf : ModelStore.newestAsOf(target);
            List<BgNbdFitter.Customer> customers = ModelStore.customers(target, at, timeZone);
            if (customers.isEmpty()) {
                // A refusal (exit code 2) when --as-of chose an instant before every purchase; a failure
                // (exit code 1) when the store holds no buyer yet, as when it holds no user.
                if (asOf != null) {
                    throw new IllegalArgumentException("No customer in user_retention had bought by --as-of " + at + ": nothing to fit");
                }
                throw new IllegalStateException("No customer in user_retention has bought yet: nothing to fit");
            }
            out.printf("Fitting BG/NBD over %,d customers as of %s ...%n", customers.size(), at);
            long start = System.currentTimeMillis();
            BgNbdFitter.Fit fit = BgNbdFitter.fit(customers);
            long id = ModelStore.store(target, fit, at);
            out.printf("r = %.4f, alpha = %.4f days (%.4f weeks), a = %.4f, b = %.4f%n", fit.parameters().r(),
                    fit.parameters().alpha(), fit.parameters().alpha() / 7, fit.parameters().a(), fit.parameters().b());
            out.printf("log-likelihood %.2f over %,d customers (%d ms); stored as model_params.id = %d%n",
                    fit.logLikelihood(), fit.customers(), System.currentTimeMillis() - start, id);
        } finally {
            if (store != null) {
                store.close();
            }
        }
        return 0;
    }
}
