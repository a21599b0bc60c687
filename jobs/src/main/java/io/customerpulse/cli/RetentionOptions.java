package io.customerpulse.cli;

import io.customerpulse.retention.ActivityScore;
import io.customerpulse.retention.BgNbdParameters;
import io.customerpulse.retention.RetentionRules;
import io.customerpulse.retention.RetentionSettings;

import picocli.CommandLine.Option;

import java.time.Duration;

/** The retention definitions (README, "What the job computes"). */
public class RetentionOptions {
    @Option(names = "--half-life", defaultValue = "7d", converter = Converters.DurationConverter.class,
            description = "Half-life of activity_score. Default: ${DEFAULT-VALUE}.")
    public Duration halfLife;

    @Option(names = "--weight-click", defaultValue = "1", description = "Score weight of a click. Default: ${DEFAULT-VALUE}.")
    public double clickWeight;

    @Option(names = "--weight-share", defaultValue = "3", description = "Score weight of a share. Default: ${DEFAULT-VALUE}.")
    public double shareWeight;

    @Option(names = "--weight-purchase", defaultValue = "5", description = "Score weight of a purchase. Default: ${DEFAULT-VALUE}.")
    public double purchaseWeight;

    @Option(names = "--new-window", defaultValue = "7d", converter = Converters.DurationConverter.class,
            description = "A user is new for this long after first seen. Default: ${DEFAULT-VALUE}.")
    public Duration newWindow;

    @Option(names = "--resurrected-window", defaultValue = "7d", converter = Converters.DurationConverter.class,
            description = "A user is resurrected for this long after coming back from dormant or churned. Default: ${DEFAULT-VALUE}.")
    public Duration resurrectedWindow;

    @Option(names = "--dormant-after", defaultValue = "30d", converter = Converters.DurationConverter.class,
            description = "Silence after which a user is dormant. Default: ${DEFAULT-VALUE}.")
    public Duration dormantAfter;

    @Option(names = "--churned-after", defaultValue = "90d", converter = Converters.DurationConverter.class,
            description = "Silence after which a user is churned. Default: ${DEFAULT-VALUE}.")
    public Duration churnedAfter;

    @Option(names = "--default-risk-after", defaultValue = "14d", converter = Converters.DurationConverter.class,
            description = "risk_after of a user without a rhythm yet. Default: ${DEFAULT-VALUE}.")
    public Duration defaultRiskAfter;

    @Option(names = "--rhythm-min-active-days", defaultValue = "3",
            description = "Distinct active days needed before risk_after follows the user's rhythm. Default: ${DEFAULT-VALUE}.")
    public int rhythmMinActiveDays;

    @Option(names = "--rhythm-multiplier", defaultValue = "3",
            description = "risk_after = this times the mean gap between active days. Default: ${DEFAULT-VALUE}.")
    public double rhythmMultiplier;

    @Option(names = "--risk-after-min", defaultValue = "2d", converter = Converters.DurationConverter.class,
            description = "Lower clamp of rhythm-based risk_after. Default: ${DEFAULT-VALUE}.")
    public Duration riskAfterMin;

    @Option(names = "--risk-after-max", defaultValue = "30d", converter = Converters.DurationConverter.class,
            description = "Upper clamp of rhythm-based risk_after. Default: ${DEFAULT-VALUE}.")
    public Duration riskAfterMax;

    @Option(names = "--bgnbd-r", defaultValue = "0.243", description = "BG/NBD r. Default: ${DEFAULT-VALUE} (published CDNOW fit).")
    public double bgnbdR;

    @Option(names = "--bgnbd-alpha-days", defaultValue = "30.898", description = "BG/NBD alpha in days. Default: ${DEFAULT-VALUE} (4.414 weeks).")
    public double bgnbdAlphaDays;

    @Option(names = "--bgnbd-a", defaultValue = "0.793", description = "BG/NBD a. Default: ${DEFAULT-VALUE}.")
    public double bgnbdA;

    @Option(names = "--bgnbd-b", defaultValue = "2.426", description = "BG/NBD b. Default: ${DEFAULT-VALUE}.")
    public double bgnbdB;

    public RetentionSettings settings(EventTimeOptions eventTime) {
        return RetentionSettings.builder()
                .rules(new RetentionRules(newWindow, resurrectedWindow, dormantAfter, churnedAfter, defaultRiskAfter,
                        rhythmMinActiveDays, rhythmMultiplier, riskAfterMin, riskAfterMax))
                .score(new ActivityScore(clickWeight, shareWeight, purchaseWeight, halfLife))
                .model(new BgNbdParameters(bgnbdR, bgnbdAlphaDays, bgnbdA, bgnbdB))
                .zone(eventTime.timeZone)
                .dedupHorizon(eventTime.dedupHorizon)
                .build();
    }
}
